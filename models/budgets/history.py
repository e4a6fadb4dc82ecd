"""Reading budgets: the lines in force with what they hold, and every version with who and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.budget import LineBalance
from domain.fiscal import FiscalPeriod
from models import BudgetLine, CostCenter, GlAccount, LedgerEntry, User
from models.budgets.versions import BudgetRefused, LineRef, line_account


@dataclass(frozen=True)
class VersionEntry:
    """One version of a budget line as history shows it: what, who and why."""

    period: int
    version: int
    amount_minor: int
    currency: str
    kind: str
    transfer_id: str | None
    reason: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class LineInForce:
    """A budget line's version in force and the sums of its ledger entries."""

    line: LineRef
    version: int
    currency: str
    balance: LineBalance


def budget_history(
    session: Session, cost_center: str, gl_account: str, fiscal_year: int
) -> list[VersionEntry]:
    """Every version of the account's lines in the fiscal year: period by period, newest first."""
    acct = line_account(session, LineRef(cost_center, gl_account, FiscalPeriod(fiscal_year, 1)))
    rows = session.execute(
        select(BudgetLine, User.username)
        .join(User, User.id == BudgetLine.created_by_id)
        .where(
            BudgetLine.cost_center_id == acct.cost_center_id,
            BudgetLine.gl_account_id == acct.gl_account_id,
            BudgetLine.fiscal_year == fiscal_year,
        )
        .order_by(BudgetLine.period, BudgetLine.version.desc())
    ).all()
    return [
        VersionEntry(
            line.period,
            line.version,
            line.amount_minor,
            line.currency,
            line.kind,
            line.transfer_id,
            line.reason,
            username,
            line.created_at,
        )
        for line, username in rows
    ]


def lines_in_force(
    session: Session, fiscal_year: int, cost_center: str | None = None
) -> list[LineInForce]:
    """The version in force of every budgeted line of the fiscal year (of one cost center when
    named), by cost center, GL account and period, with reserved, committed and actual."""
    center_id = _center_id(session, cost_center) if cost_center is not None else None
    query = (
        select(BudgetLine, CostCenter.code, GlAccount.code)
        .join(CostCenter, CostCenter.id == BudgetLine.cost_center_id)
        .join(GlAccount, GlAccount.id == BudgetLine.gl_account_id)
        .where(BudgetLine.fiscal_year == fiscal_year)
        .distinct(BudgetLine.cost_center_id, BudgetLine.gl_account_id, BudgetLine.period)
        .order_by(
            BudgetLine.cost_center_id,
            BudgetLine.gl_account_id,
            BudgetLine.period,
            BudgetLine.version.desc(),
        )
    )
    if center_id is not None:
        query = query.where(BudgetLine.cost_center_id == center_id)
    held = _held(session, fiscal_year, center_id)
    found = [
        LineInForce(
            LineRef(center, gl, FiscalPeriod(fiscal_year, line.period)),
            line.version,
            line.currency,
            LineBalance(
                line.amount_minor,
                *held.get((line.cost_center_id, line.gl_account_id, line.period), (0, 0, 0)),
            ),
        )
        for line, center, gl in session.execute(query).all()
    ]
    return sorted(found, key=lambda f: (f.line.cost_center, f.line.gl_account, f.line.period))


def _held(
    session: Session, fiscal_year: int, center_id: int | None
) -> dict[tuple[int, int, int], tuple[int, int, int]]:
    """(cost center id, GL id, period) → (reserved, committed, actual) summed over the ledger."""
    query = (
        select(
            LedgerEntry.cost_center_id,
            LedgerEntry.gl_account_id,
            LedgerEntry.period,
            func.sum(LedgerEntry.reserved_delta_minor),
            func.sum(LedgerEntry.committed_delta_minor),
            func.sum(LedgerEntry.actual_delta_minor),
        )
        .where(LedgerEntry.fiscal_year == fiscal_year)
        .group_by(LedgerEntry.cost_center_id, LedgerEntry.gl_account_id, LedgerEntry.period)
    )
    if center_id is not None:
        query = query.where(LedgerEntry.cost_center_id == center_id)
    return {
        (center, gl, period): (int(reserved), int(committed), int(actual))
        for center, gl, period, reserved, committed, actual in session.execute(query).all()
    }


def _center_id(session: Session, code: str) -> int:
    found = session.scalar(select(CostCenter.id).where(CostCenter.code == code))
    if found is None:
        raise BudgetRefused("unknown_line", f"unknown cost center {code}")
    return found
