"""Burn-downs: how a cost center's budget is used up over its fiscal year, and how a PO's open
commitment (reserved + committed) moves with each of its ledger entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.budget_forecast import PERIODS_PER_YEAR, BurnDownPoint, burn_down
from models import LedgerEntry
from models.budgets.report_scope import centers_in_scope
from models.budgets.reports import rolled_up


@dataclass(frozen=True)
class CenterBurnDown:
    """Per period of the year: cumulative budget, cumulative consumption (reserved + committed
    + actual on the periods so far) and what remains, for the cost center and its descendants."""

    cost_center: str
    fiscal_year: int
    currency: str
    points: list[BurnDownPoint]


@dataclass(frozen=True)
class PoBurnStep:
    """One ledger entry of a PO and the PO's open commitment and invoiced total after it."""

    entry_id: int
    at: datetime
    kind: str
    fiscal_year: int
    period: int
    open_change_minor: int
    actual_minor: int
    open_after_minor: int
    invoiced_after_minor: int
    reference: str | None
    note: str
    step: str = ""  # the posting step (its idempotency key): a step's entries belong together


@dataclass(frozen=True)
class PoBurnDown:
    po_number: str
    currency: str
    steps: list[PoBurnStep]


def center_burn_down(
    session: Session, cost_center: str, fiscal_year: int, currency: str
) -> CenterBurnDown:
    """The cost center's burn-down over every GL account; UnknownCostCenter when unknown."""
    center = centers_in_scope(session, cost_center)[0]
    budget = [0] * PERIODS_PER_YEAR
    consumed = [0] * PERIODS_PER_YEAR
    for (_, _, period), balance in rolled_up(session, fiscal_year, [center.id]).items():
        budget[period - 1] += balance.budget_minor
        consumed[period - 1] += balance.consumed_minor
    return CenterBurnDown(cost_center, fiscal_year, currency, burn_down(budget, consumed))


def po_burn_down(session: Session, po_number: str) -> PoBurnDown | None:
    """Every entry of the PO in posting order with the running open commitment (a window sum
    in Postgres); None when the PO has no entry on the ledger."""
    in_order = (LedgerEntry.created_at, LedgerEntry.id)
    open_change = LedgerEntry.reserved_delta_minor + LedgerEntry.committed_delta_minor
    rows = session.execute(
        select(
            LedgerEntry,
            open_change,
            func.sum(open_change).over(order_by=in_order),
            func.sum(LedgerEntry.actual_delta_minor).over(order_by=in_order),
        )
        .where(LedgerEntry.po_number == po_number)
        .order_by(*in_order)
    ).all()
    if not rows:
        return None
    steps = [
        PoBurnStep(
            entry.id,
            entry.created_at,
            entry.kind,
            entry.fiscal_year,
            entry.period,
            int(change),
            entry.actual_delta_minor,
            int(open_after),
            int(invoiced_after),
            entry.reference,
            entry.note,
            entry.idempotency_key.split("#")[0],
        )
        for entry, change, open_after, invoiced_after in rows
    ]
    return PoBurnDown(po_number, rows[0][0].currency, steps)
