"""Budgets and the ledger for finance: lines in force, revisions, transfers, history, year-end
carry-forward, actual cost without a PO, corrections. Finance and admins write; finance,
procurement, auditors and admins read. A refusal answers 4xx naming its rule, and writes nothing.

Amounts come in as decimal strings in the base currency ("40000.00") and go out as minor units.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from api.budget_schemas import (
    ActualIn,
    AdjustmentIn,
    BookedOut,
    CarryForwardIn,
    CarryForwardOut,
    HistoryOut,
    LineOut,
    RevisionIn,
    TransferIn,
    TransferOut,
    VersionOut,
)
from api.deps import RuntimeDep, SessionDep, require_role
from api.errors import RefusalRoute, Refused
from api.params import Int32
from api.problems import Problem
from domain.catalog import Role
from domain.fiscal import FiscalPeriod
from domain.money import Money
from models.budgets.carry_forward import carry_forward
from models.budgets.history import budget_history, lines_in_force
from models.budgets.ledger_corrections import Deltas, adjust, post_actual
from models.budgets.versions import BudgetRefused, LineRef, revise_budget, transfer_budget
from models.people.records import User

# A line (or cost center) that does not exist answers 404; figures that forbid the change, 409.
_REFUSALS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": "Refused: `rule` says why"} for code in (404, 409)
}
router = APIRouter(
    prefix="/api/budgets", tags=["budgets"], route_class=RefusalRoute, responses=_REFUSALS
)
ledger_router = APIRouter(
    prefix="/api/ledger", tags=["budgets"], route_class=RefusalRoute, responses=_REFUSALS
)
Finance = Annotated[User, Depends(require_role(Role.FINANCE, Role.ADMIN))]
Reader = Annotated[
    User, Depends(require_role(Role.FINANCE, Role.PROCUREMENT, Role.AUDITOR, Role.ADMIN))
]

# What each refusal means to a client: a line that does not exist, a request that can never be
# right, or one that the line's figures forbid now.
RULE_STATUS = {
    "unknown_line": status.HTTP_404_NOT_FOUND,
    "below_consumption": status.HTTP_409_CONFLICT,
    "insufficient_available": status.HTTP_409_CONFLICT,
    "reference_reused": status.HTTP_409_CONFLICT,
    "below_zero": status.HTTP_409_CONFLICT,
}


def refused(refusal: BudgetRefused) -> Refused:
    code = RULE_STATUS.get(refusal.rule, status.HTTP_422_UNPROCESSABLE_CONTENT)
    return Refused(code, str(refusal), rule=refusal.rule)


def minor(amount: str, currency: str) -> int:
    try:
        return Money.parse(amount, currency).minor
    except ValueError as error:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT, str(error), rule="invalid_amount"
        ) from error


@router.get("")
def list_lines(
    _: Reader, session: SessionDep, fiscal_year: Int32, cost_center: str | None = Query(None)
) -> list[LineOut]:
    """The version in force of every budgeted line of the year, with what it holds."""
    try:
        found = lines_in_force(session, fiscal_year, cost_center)
    except BudgetRefused as refusal:
        raise refused(refusal) from refusal
    return [
        LineOut(
            cost_center=f.line.cost_center,
            gl_account=f.line.gl_account,
            fiscal_year=f.line.period.fiscal_year,
            period=f.line.period.period,
            version=f.version,
            currency=f.currency,
            budget_minor=f.balance.budget_minor,
            reserved_minor=f.balance.reserved_minor,
            committed_minor=f.balance.committed_minor,
            actual_minor=f.balance.actual_minor,
            available_minor=f.balance.available_minor,
        )
        for f in found
    ]


@router.get("/{cost_center}/{gl_account}/{fiscal_year}/history")
def history(
    cost_center: str, gl_account: str, fiscal_year: Int32, _: Reader, session: SessionDep
) -> list[HistoryOut]:
    """Every version of the lines of the year, period by period, newest first: who and why."""
    try:
        entries = budget_history(session, cost_center, gl_account, fiscal_year)
    except BudgetRefused as refusal:
        raise refused(refusal) from refusal
    return [HistoryOut.model_validate(entry) for entry in entries]


@router.put("/{cost_center}/{gl_account}/{fiscal_year}/{period}")
def revise(
    cost_center: str,
    gl_account: str,
    fiscal_year: Int32,
    period: Int32,
    body: RevisionIn,
    user: Finance,
    session: SessionDep,
    runtime: RuntimeDep,
) -> VersionOut:
    """Put a new budget in force on the line as its next version; 409 ``below_consumption``
    when a cut would leave less than the line already holds."""
    settings = runtime.settings
    line = LineRef(cost_center, gl_account, FiscalPeriod(fiscal_year, period))
    try:
        version = revise_budget(
            session,
            line,
            minor(body.amount, settings.base_currency),
            user,
            body.reason,
            currency=settings.base_currency,
            alert_thresholds=settings.budget_alert_percents,
        )
    except BudgetRefused as refusal:
        raise refused(refusal) from refusal
    revised = VersionOut.model_validate(version)
    return revised


@router.post("/transfers", status_code=status.HTTP_201_CREATED)
def transfer(
    body: TransferIn, user: Finance, session: SessionDep, runtime: RuntimeDep
) -> TransferOut:
    """Move budget between lines; 409 ``insufficient_available`` beyond what the source has."""
    settings = runtime.settings
    try:
        moved = transfer_budget(
            session,
            body.source.ref(),
            body.target.ref(),
            minor(body.amount, settings.base_currency),
            user,
            body.reason,
            alert_thresholds=settings.budget_alert_percents,
        )
    except BudgetRefused as refusal:
        raise refused(refusal) from refusal
    created = TransferOut(
        transfer_id=moved.transfer_id,
        amount_minor=moved.amount_minor,
        currency=moved.currency,
        source=VersionOut.model_validate(moved.source),
        target=VersionOut.model_validate(moved.target),
    )
    return created


@router.post("/carry-forward")
def carry_forward_year(
    body: CarryForwardIn, user: Finance, session: SessionDep, runtime: RuntimeDep
) -> CarryForwardOut:
    """Move open POs' reserved and committed amounts to period 1 of the next fiscal year;
    running it again moves nothing twice."""
    summary = carry_forward(
        session,
        body.fiscal_year,
        user,
        alert_thresholds=runtime.settings.budget_alert_percents,
    )
    carried = CarryForwardOut(
        fiscal_year=summary.fiscal_year,
        purchase_orders=list(summary.purchase_orders),
        reserved_minor=summary.reserved_minor,
        committed_minor=summary.committed_minor,
        moved_minor=summary.moved_minor,
        currency=summary.currency,
    )
    return carried


@ledger_router.post("/actuals", status_code=status.HTTP_201_CREATED)
def book_actual(
    body: ActualIn, user: Finance, session: SessionDep, runtime: RuntimeDep, response: Response
) -> BookedOut:
    """Book actual cost without a PO; the same ``reference`` again answers 200 and books
    nothing, or 409 ``reference_reused`` if its figures differ."""
    currency = runtime.settings.base_currency
    try:
        booked = post_actual(
            session,
            body.ref(),
            minor(body.amount, currency),
            currency=currency,
            reference=body.reference,
            author=user,
            note=body.note,
            alert_thresholds=runtime.settings.budget_alert_percents,
        )
    except BudgetRefused as refusal:
        raise refused(refusal) from refusal
    if not booked.new:
        response.status_code = status.HTTP_200_OK
    return BookedOut(idempotency_key=booked.idempotency_key, new=booked.new)


@ledger_router.post("/adjustments", status_code=status.HTTP_201_CREATED)
def book_adjustment(
    body: AdjustmentIn, user: Finance, session: SessionDep, runtime: RuntimeDep, response: Response
) -> BookedOut:
    """Append a correction with who and why (signed amounts); 409 ``below_zero`` if it would
    take the line's (or the PO's) figures below zero."""
    currency = runtime.settings.base_currency
    deltas = Deltas(
        minor(body.reserved, currency),
        minor(body.committed, currency),
        minor(body.actual, currency),
    )
    try:
        booked = adjust(
            session,
            body.ref(),
            deltas,
            currency=currency,
            reason=body.reason,
            author=user,
            po_number=body.po_number,
            idempotency_key=body.idempotency_key,
            alert_thresholds=runtime.settings.budget_alert_percents,
        )
    except BudgetRefused as refusal:
        raise refused(refusal) from refusal
    if not booked.new:
        response.status_code = status.HTTP_200_OK
    return BookedOut(idempotency_key=booked.idempotency_key, new=booked.new)
