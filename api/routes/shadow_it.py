"""Shadow IT: unowned accounts' cost and vendors paid outside procurement, per month (for
cost readers), and the corporate-card statements it reads (imported by admins and finance)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from adapters.csv_table import read_csv_table
from api.cost_access import SPEND_READERS
from api.deps import SessionDep, require_role
from api.errors import RefusalRoute, Refused
from api.month_params import FromMonth, ToMonth, month_range
from api.schemas.org import CardImportOut, CsvIn, ShadowSpendOut
from domain.catalog import Role
from domain.costs.card_statements import CardStatementError, read_card_statement
from models.costs.card_import import import_card_statement
from models.costs.shadow_it import ShadowSpend, shadow_it
from models.people.records import User

router = APIRouter(prefix="/api/costs", tags=["costs"], route_class=RefusalRoute)
Reader = Annotated[User, Depends(require_role(*SPEND_READERS))]
Importer = Annotated[User, Depends(require_role(Role.ADMIN, Role.FINANCE))]


@router.get("/shadow-it")
def shadow_it_report(
    _: Reader, session: SessionDep, first: FromMonth, last: ToMonth = None
) -> list[ShadowSpendOut]:
    """Shadow IT spend of the months ``first`` to ``last`` (``first`` alone unless given)."""
    start, end = month_range(first, last)
    return [spend_out(row) for row in shadow_it(session, start, end)]


@router.post("/card-statements", status_code=status.HTTP_201_CREATED)
def import_cards(body: CsvIn, user: Importer, session: SessionDep) -> CardImportOut:
    """Import a card statement (``date, merchant, amount, currency, card_holder[, mcc,
    description]``); the same file again adds nothing; 422 naming the first wrong row."""
    try:
        table = read_csv_table(body.csv)
        payments = read_card_statement(table.header, table.rows)
        imported = import_card_statement(session, payments, digest=table.sha256, by=user)
    except CardStatementError as error:
        raise Refused(422, str(error), rule=error.rule, row=error.row) from error
    return CardImportOut(**vars(imported))


def spend_out(row: ShadowSpend) -> ShadowSpendOut:
    return ShadowSpendOut(
        **{**vars(row), "month": f"{row.month:%Y-%m}", "reasons": list(row.reasons)}
    )
