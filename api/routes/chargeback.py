"""Chargeback and showback statements and unit costs over JSON and CSV. Cost readers (and the
FinOps role) read a month's statement (its newest version, or ``?version=``), its CSV, its
FOCUS 1.0 export, the charges between legal entities lacking a transfer-pricing markup, and the
cost lines behind a charge; admins, finance and FinOps run a month's next statement. A month
without a statement is a 404; a refused run a 4xx naming its rule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response, status

from api.cost_access import SPEND_READERS
from api.deps import RuntimeDep, SessionDep, require_role
from api.errors import RefusalRoute
from api.schemas.chargeback import (
    ChargedLineOut,
    ChargeOut,
    StatementOut,
    StatementRunIn,
    UnitCostsOut,
)
from domain.catalog import Role
from models.costs.allocation_runs import allocated_lines
from models.costs.chargeback_records import ChargebackStatement
from models.costs.rates import internal_rates
from models.costs.statements import statement_charge, statement_lines, statement_of
from models.costs.unit_costs import unit_costs_in_force
from models.people.records import User
from services.costs.allocation import allocation_period
from services.costs.chargeback import run_statement
from services.costs.statement_exports import focus_csv, statement_csv

router = APIRouter(prefix="/api/chargeback", tags=["costs"], route_class=RefusalRoute)
Reader = Annotated[User, Depends(require_role(*SPEND_READERS))]
Runner = Annotated[User, Depends(require_role(Role.ADMIN, Role.FINANCE, Role.FINOPS))]


def _statement(session: SessionDep, period: str, version: int | None) -> ChargebackStatement:
    month = allocation_period(period)
    statement = statement_of(session, month, version)
    if statement is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no statement of {period}")
    return statement


@router.post("/{period}", status_code=status.HTTP_201_CREATED)
def run(
    period: str, body: StatementRunIn, user: Runner, session: SessionDep, runtime: RuntimeDep
) -> StatementOut:
    """The month's next statement from its newest allocation run; ``mode`` chargeback posts
    its charges (replacing what an earlier version posted), showback only reports."""
    settings = runtime.settings
    statement = run_statement(
        session,
        period,
        body.mode,
        user,
        currency=settings.base_currency,
        start_month=settings.fiscal_year_start_month,
        alert_thresholds=settings.budget_alert_percents,
    )
    return StatementOut.of(statement, statement_lines(session, statement.id))


@router.get("/{period}")
def statement(
    period: str, _: Reader, session: SessionDep, version: int | None = None
) -> StatementOut:
    """The charges per business unit and cost center: what each consumed, by which rule, at
    which rate, and what it is charged."""
    found = _statement(session, period, version)
    return StatementOut.of(found, statement_lines(session, found.id))


def _csv(body: str, name: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/{period}/statement.csv", response_class=Response)
def statement_as_csv(
    period: str, _: Reader, session: SessionDep, version: int | None = None
) -> Response:
    found = _statement(session, period, version)
    body = statement_csv(statement_lines(session, found.id))
    return _csv(body, f"statement-{period}-v{found.version}.csv")


@router.get("/{period}/focus.csv", response_class=Response)
def statement_as_focus(
    period: str, _: Reader, session: SessionDep, version: int | None = None
) -> Response:
    """The statement as a FOCUS 1.0 cost-and-usage CSV, one row per charge."""
    found = _statement(session, period, version)
    body = focus_csv(found, statement_lines(session, found.id))
    return _csv(body, f"statement-{period}-v{found.version}-focus.csv")


@router.get("/{period}/transfer-pricing")
def lacking_transfer_markup(
    period: str, _: Reader, session: SessionDep, version: int | None = None
) -> list[ChargeOut]:
    """The statement's charges between legal entities that carry no transfer-pricing markup."""
    found = _statement(session, period, version)
    lines = statement_lines(session, found.id, lacking_transfer_markup=True)
    return [ChargeOut.of(line) for line in lines]


@router.get("/{period}/charges/{charge_id}/lines")
def charged_lines(
    period: str,
    charge_id: int,
    _: Reader,
    session: SessionDep,
    version: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[ChargedLineOut]:
    """The cost lines behind a charge, through the allocation run's lineage: the rule's
    direct lines of the cost center, or every line of the pool it has a part of."""
    found = _statement(session, period, version)
    charge = statement_charge(session, found.id, charge_id)
    if charge is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no charge {charge_id}")
    lines = allocated_lines(
        session,
        found.allocation_run_id,
        charge.cost_center,
        rule=charge.rule,
        limit=min(max(limit, 1), 1000),
        offset=max(offset, 0),
    )
    return [ChargedLineOut.of(line) for line in lines]


unit_costs_router = APIRouter(prefix="/api/unit-costs", tags=["costs"], route_class=RefusalRoute)


@unit_costs_router.get("/{period}")
def unit_costs(period: str, _: Reader, session: SessionDep) -> UnitCostsOut:
    """Each service's unit cost of the month under the unit-cost model in force (effective
    and list, fixed and variable parts), and the internal rates the rate card in force sets."""
    month: date = allocation_period(period)
    now = datetime.now(UTC)
    return UnitCostsOut.of(
        month, unit_costs_in_force(session, month, now), internal_rates(session, month, now)
    )
