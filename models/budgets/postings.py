"""Posting to the budget ledger: budget lines, their locks and balances, and appending entries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from domain.budget import LineBalance, PeriodAmounts
from domain.fiscal import FiscalPeriod
from models import BudgetLine, CostCenter, GlAccount, LedgerEntry


@dataclass(frozen=True)
class Account:
    """Where a movement is booked: a cost center and a GL account (ids and codes)."""

    cost_center_id: int
    gl_account_id: int
    cost_center: str
    gl_account: str
    reserve_at: str = "creation"

    @classmethod
    def of(cls, center: CostCenter, gl: GlAccount) -> Account:
        return cls(center.id, gl.id, center.code, gl.code, center.reserve_at)


@dataclass(frozen=True)
class Posting:
    """One ledger entry to append; deltas in base-currency minor units."""

    kind: str
    account: Account
    period: FiscalPeriod
    currency: str
    idempotency_key: str
    reserved: int = 0
    committed: int = 0
    actual: int = 0
    po_number: str | None = None
    revision: int | None = None
    reference: str | None = None
    note: str = ""
    posted_by: str = "poflow"
    rate: str = "1"
    rate_date: date | None = None
    source_amount_minor: int | None = None
    source_currency: str | None = None


def account(session: Session, cost_center: str, gl_account: str) -> Account:
    """The budget account of a cost center and GL account, by code."""
    center = session.scalar(select(CostCenter).where(CostCenter.code == cost_center))
    gl = session.scalar(select(GlAccount).where(GlAccount.code == gl_account))
    if center is None or gl is None:
        raise LookupError(f"unknown budget line {cost_center}/{gl_account}")
    return Account.of(center, gl)


def lock_lines(session: Session, acct: Account, periods: Iterable[FiscalPeriod]) -> None:
    """Serialise postings per budget line until the transaction ends; always in period order,
    so two transactions locking several lines never deadlock."""
    for period in sorted(set(periods)):
        line = f"{acct.cost_center_id}:{acct.gl_account_id}"
        key = f"budget:{line}:{period.fiscal_year}:{period.period}"
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


def in_force(session: Session, acct: Account, period: FiscalPeriod) -> BudgetLine | None:
    """The line's latest version; None when it was never budgeted."""
    return session.scalar(
        select(BudgetLine)
        .where(
            BudgetLine.cost_center_id == acct.cost_center_id,
            BudgetLine.gl_account_id == acct.gl_account_id,
            BudgetLine.fiscal_year == period.fiscal_year,
            BudgetLine.period == period.period,
        )
        .order_by(BudgetLine.version.desc())
        .limit(1)
    )


def budget_in_force(session: Session, acct: Account, period: FiscalPeriod) -> int:
    """The latest version of the line's budget; 0 when none was granted."""
    line = in_force(session, acct, period)
    return line.amount_minor if line else 0


def line_balance(session: Session, acct: Account, period: FiscalPeriod) -> LineBalance:
    """Budget in force and the sums of every entry on the line."""
    reserved, committed, actual = session.execute(
        select(
            func.coalesce(func.sum(LedgerEntry.reserved_delta_minor), 0),
            func.coalesce(func.sum(LedgerEntry.committed_delta_minor), 0),
            func.coalesce(func.sum(LedgerEntry.actual_delta_minor), 0),
        ).where(
            LedgerEntry.cost_center_id == acct.cost_center_id,
            LedgerEntry.gl_account_id == acct.gl_account_id,
            LedgerEntry.fiscal_year == period.fiscal_year,
            LedgerEntry.period == period.period,
        )
    ).one()
    return LineBalance(
        budget_in_force(session, acct, period), int(reserved), int(committed), int(actual)
    )


def po_period_sums(session: Session, po_number: str) -> dict[FiscalPeriod, tuple[int, int, int]]:
    """A PO's entries summed per period: (reserved, committed, actual)."""
    rows = session.execute(
        select(
            LedgerEntry.fiscal_year,
            LedgerEntry.period,
            func.sum(LedgerEntry.reserved_delta_minor),
            func.sum(LedgerEntry.committed_delta_minor),
            func.sum(LedgerEntry.actual_delta_minor),
        )
        .where(LedgerEntry.po_number == po_number)
        .group_by(LedgerEntry.fiscal_year, LedgerEntry.period)
    ).all()
    return {FiscalPeriod(y, p): (int(r), int(c), int(a)) for y, p, r, c, a in rows}


def po_holdings(session: Session, po_number: str) -> tuple[PeriodAmounts, PeriodAmounts]:
    """What a PO holds per period: (reserved, committed), periods holding nothing left out."""
    sums = po_period_sums(session, po_number).items()
    reserved = {period: r for period, (r, _, _) in sums if r}
    committed = {period: c for period, (_, c, _) in sums if c}
    return reserved, committed


def locked_holdings(
    session: Session, acct: Account, po_number: str, periods: Iterable[FiscalPeriod] = ()
) -> tuple[PeriodAmounts, PeriodAmounts]:
    """What a PO holds, read under the locks of every line it holds on (and of ``periods``):
    a posting that moved its holdings meanwhile (a carry-forward) is seen, not overwritten."""
    locked: set[FiscalPeriod] = set()
    wanted = set(periods)
    while True:
        lock_lines(session, acct, wanted - locked)
        locked |= wanted
        reserved, committed = po_holdings(session, po_number)
        wanted = set(reserved) | set(committed)
        if wanted <= locked:
            return reserved, committed


def po_balance(session: Session, po_number: str) -> tuple[int, int]:
    """What the PO holds now in total: (reserved, committed)."""
    reserved, committed = po_holdings(session, po_number)
    return sum(reserved.values()), sum(committed.values())


def posted(session: Session, idempotency_key: str) -> bool:
    """Whether a step already posted: keys are per step, and a step's entries share its key as
    a prefix (``key``, ``key#2``, ...)."""
    return (
        session.scalar(
            select(LedgerEntry.id).where(LedgerEntry.idempotency_key == idempotency_key).limit(1)
        )
        is not None
    )


def append(session: Session, postings: Iterable[Posting]) -> int:
    """Append entries; the first carries the step's key, the others ``key#n``. Returns the count."""
    count = 0
    for number, posting in enumerate(postings, start=1):
        key = posting.idempotency_key if number == 1 else f"{posting.idempotency_key}#{number}"
        session.add(_entry(posting, key))
        count += 1
    session.flush()
    return count


def _entry(posting: Posting, key: str) -> LedgerEntry:
    return LedgerEntry(
        kind=posting.kind,
        po_number=posting.po_number,
        revision=posting.revision,
        cost_center_id=posting.account.cost_center_id,
        gl_account_id=posting.account.gl_account_id,
        fiscal_year=posting.period.fiscal_year,
        period=posting.period.period,
        reserved_delta_minor=posting.reserved,
        committed_delta_minor=posting.committed,
        actual_delta_minor=posting.actual,
        currency=posting.currency,
        source_amount_minor=posting.source_amount_minor,
        source_currency=posting.source_currency,
        rate=posting.rate,
        rate_date=posting.rate_date,
        reference=posting.reference,
        note=posting.note,
        posted_by=posting.posted_by,
        idempotency_key=key,
    )
