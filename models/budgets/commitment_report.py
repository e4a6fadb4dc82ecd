"""The monthly commitment report: for one fiscal period, per cost center x GL account, how the
commitment moved on the entries of that period and what is left open on it.

An entry belongs to the period it is booked on (its fiscal period), not to the day it was
posted. Per line, open commitment = new + increased + moved - released - relieved."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import SQLCoreOperations

from domain.fiscal import FiscalPeriod
from models import CostCenter, GlAccount, LedgerEntry
from models.budgets.report_scope import centers_in_scope


@dataclass(frozen=True)
class CommitmentMovements:
    """One line's commitment movements in the period (positive amounts).

    new: first commitments of POs; increased: later commitments (change orders up); moved:
    commitment moved onto (or, negative, off) the period by delays and adjustments; released:
    commitment given back (cancelled, reduced, expired POs); relieved: commitment consumed by
    invoices; actual: cost booked; open_commitment and open_reservation: what the line still
    holds on the period after all its entries."""

    cost_center: str
    gl_account: str
    new_minor: int
    increased_minor: int
    moved_minor: int
    released_minor: int
    relieved_minor: int
    actual_minor: int
    open_commitment_minor: int
    open_reservation_minor: int


@dataclass(frozen=True)
class CommitmentReport:
    period: FiscalPeriod
    currency: str
    lines: list[CommitmentMovements]
    total: CommitmentMovements


def commitment_report(
    session: Session, period: FiscalPeriod, currency: str, cost_center: str | None = None
) -> CommitmentReport:
    """Every line with an entry on ``period`` (in ``cost_center``'s subtree when given), by cost
    center and GL code, and their total. UnknownCostCenter for an unknown cost center."""
    if not 1 <= period.period <= 12:
        raise ValueError("a fiscal period is 1..12")
    ids = [center.id for center in centers_in_scope(session, cost_center)]
    entry = LedgerEntry
    first = (
        select(entry.po_number, func.min(entry.revision).label("revision"))
        .where(entry.kind == "commit")
        .group_by(entry.po_number)
        .subquery("first_commit")
    )
    is_first = or_(
        entry.revision.is_(None), first.c.revision.is_(None), entry.revision == first.c.revision
    )
    committed = entry.committed_delta_minor

    def when(condition: ColumnElement[bool], amount: SQLCoreOperations[int]) -> ColumnElement[int]:
        return func.sum(case((condition, amount), else_=0))

    rows = session.execute(
        select(
            CostCenter.code,
            GlAccount.code,
            when(and_(entry.kind == "commit", is_first), committed),
            when(and_(entry.kind == "commit", ~is_first), committed),
            when(entry.kind == "adjust", committed),
            when(entry.kind == "release", -committed),
            when(entry.kind == "relieve", -committed),
            func.sum(entry.actual_delta_minor),
            func.sum(committed),
            func.sum(entry.reserved_delta_minor),
        )
        .select_from(entry)
        .join(CostCenter, CostCenter.id == entry.cost_center_id)
        .join(GlAccount, GlAccount.id == entry.gl_account_id)
        .outerjoin(first, first.c.po_number == entry.po_number)
        .where(
            entry.fiscal_year == period.fiscal_year,
            entry.period == period.period,
            entry.cost_center_id.in_(ids),
        )
        .group_by(CostCenter.code, GlAccount.code)
        .order_by(CostCenter.code, GlAccount.code)
    ).all()
    lines = [
        CommitmentMovements(center, gl, *(int(amount) for amount in amounts))
        for center, gl, *amounts in rows
    ]
    return CommitmentReport(period, currency, lines, _total(lines))


def _total(lines: list[CommitmentMovements]) -> CommitmentMovements:
    amounts = [f.name for f in fields(CommitmentMovements) if f.name.endswith("_minor")]
    sums = {name: sum(getattr(line, name) for line in lines) for name in amounts}
    return CommitmentMovements(cost_center="", gl_account="", **sums)
