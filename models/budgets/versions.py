"""Budget administration by finance: revisions and transfers add versions of budget lines, each
with who and why; nothing is edited. Every change is checked under the locks of the lines it
touches, so a reservation racing with it sees either the old budget or the new one, never half."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.fiscal import FiscalPeriod
from domain.money import Money
from models import BudgetLine, User
from models.budgets.alerts import DEFAULT_THRESHOLDS, raise_alerts
from models.budgets.postings import Account, account, in_force, line_balance, lock_lines


class BudgetRefused(Exception):
    """A budget or ledger change refused by ``rule``; nothing was written."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class LineRef:
    """A budget line by codes: cost center, GL account and fiscal period."""

    cost_center: str
    gl_account: str
    period: FiscalPeriod

    def __str__(self) -> str:
        where = f"{self.cost_center}/{self.gl_account}"
        return f"{where} FY{self.period.fiscal_year} period {self.period.period}"


@dataclass(frozen=True)
class Transfer:
    """A transfer: the version added on each side, sharing ``transfer_id``."""

    transfer_id: str
    amount_minor: int
    currency: str
    source: BudgetLine
    target: BudgetLine


def line_account(session: Session, line: LineRef) -> Account:
    """The account of a line whose cost center, GL account and period exist."""
    if not 1 <= line.period.period <= 12:
        raise BudgetRefused("unknown_period", f"period {line.period.period} is not 1..12")
    try:
        return account(session, line.cost_center, line.gl_account)
    except LookupError as error:
        raise BudgetRefused("unknown_line", str(error)) from error


def lock_in_order(session: Session, lines: Iterable[tuple[Account, FiscalPeriod]]) -> None:
    """Lock budget lines in one global order (cost center id, GL id, period), the order every
    multi-line change uses, so two of them never wait on each other in a circle."""
    by_account: dict[Account, set[FiscalPeriod]] = {}
    for acct, period in lines:
        by_account.setdefault(acct, set()).add(period)
    for acct in sorted(by_account, key=lambda a: (a.cost_center_id, a.gl_account_id)):
        lock_lines(session, acct, by_account[acct])


def revise_budget(
    session: Session,
    line: LineRef,
    amount_minor: int,
    author: User,
    reason: str,
    *,
    currency: str,
    alert_thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
) -> BudgetLine:
    """Put ``amount_minor`` in force on the line as its next version ("original" for its first).
    A cut never takes the budget below what the line has consumed (reserved, committed, actual);
    a raise is always allowed. Alerts are raised for the threshold the line now stands at."""
    reason = _required(reason)
    if amount_minor < 0:
        raise BudgetRefused("amount_negative", "a budget cannot be negative")
    acct = line_account(session, line)
    lock_lines(session, acct, [line.period])
    current = in_force(session, acct, line.period)
    if current is not None and current.currency != currency:
        raise BudgetRefused("currency_mismatch", f"{line} is budgeted in {current.currency}")
    balance = line_balance(session, acct, line.period)
    if amount_minor < balance.budget_minor and amount_minor < balance.consumed_minor:
        raise BudgetRefused(
            "below_consumption",
            f"{line} has {Money(balance.consumed_minor, currency)} reserved, committed or spent; "
            f"its budget cannot go down to {Money(amount_minor, currency)}",
        )
    kind = "revision" if current is not None else "original"
    version = _add_version(session, acct, line.period, amount_minor, currency, kind, author, reason)
    raise_alerts(session, acct, [line.period], alert_thresholds)
    return version


def transfer_budget(
    session: Session,
    source: LineRef,
    target: LineRef,
    amount_minor: int,
    author: User,
    reason: str,
    *,
    alert_thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
) -> Transfer:
    """Move budget from one line to another: a "transfer" version on each side under one
    transfer id. Only what the source has available (budget less reserved, committed and
    actual) can move, so a transfer never leaves a line short of what it already holds."""
    reason = _required(reason)
    if amount_minor <= 0:
        raise BudgetRefused("amount_not_positive", "a transfer moves a positive amount")
    if source == target:
        raise BudgetRefused("same_line", f"{source} cannot transfer to itself")
    source_acct, target_acct = line_account(session, source), line_account(session, target)
    lock_in_order(session, [(source_acct, source.period), (target_acct, target.period)])
    given = in_force(session, source_acct, source.period)
    taken = in_force(session, target_acct, target.period)
    given = _check_available(session, source, source_acct, given, amount_minor)
    if taken is not None and taken.currency != given.currency:
        raise BudgetRefused("currency_mismatch", f"{source} and {target} differ in currency")
    transfer_id = uuid.uuid4().hex
    sides = (
        (source_acct, source, given.amount_minor - amount_minor),
        (target_acct, target, (taken.amount_minor if taken else 0) + amount_minor),
    )
    versions = [
        _add_version(
            session,
            acct,
            line.period,
            amount,
            given.currency,
            "transfer",
            author,
            reason,
            transfer_id,
        )
        for acct, line, amount in sides
    ]
    for acct, line, _ in sides:
        raise_alerts(session, acct, [line.period], alert_thresholds)
    return Transfer(transfer_id, amount_minor, given.currency, versions[0], versions[1])


def _check_available(
    session: Session, line: LineRef, acct: Account, given: BudgetLine | None, amount_minor: int
) -> BudgetLine:
    """The source's version in force, if it has ``amount_minor`` available to give."""
    if given is None:
        raise BudgetRefused("insufficient_available", f"{line} has no budget to transfer")
    available = line_balance(session, acct, line.period).available_minor
    if amount_minor > min(available, given.amount_minor):
        raise BudgetRefused(
            "insufficient_available",
            f"{line} has {Money(max(available, 0), given.currency)} available, "
            f"{Money(amount_minor, given.currency)} asked",
        )
    return given


def _add_version(
    session: Session,
    acct: Account,
    period: FiscalPeriod,
    amount_minor: int,
    currency: str,
    kind: str,
    author: User,
    reason: str,
    transfer_id: str | None = None,
) -> BudgetLine:
    latest = session.scalar(
        select(func.max(BudgetLine.version)).where(
            BudgetLine.cost_center_id == acct.cost_center_id,
            BudgetLine.gl_account_id == acct.gl_account_id,
            BudgetLine.fiscal_year == period.fiscal_year,
            BudgetLine.period == period.period,
        )
    )
    version = BudgetLine(
        cost_center_id=acct.cost_center_id,
        gl_account_id=acct.gl_account_id,
        fiscal_year=period.fiscal_year,
        period=period.period,
        version=(latest or 0) + 1,
        amount_minor=amount_minor,
        currency=currency,
        kind=kind,
        transfer_id=transfer_id,
        reason=reason,
        created_by_id=author.id,
    )
    session.add(version)
    session.flush()
    return version


def _required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise BudgetRefused("reason_required", "say why: a reason is required")
    if len(reason) > 300:
        raise BudgetRefused("reason_too_long", "a reason is at most 300 characters")
    return reason
