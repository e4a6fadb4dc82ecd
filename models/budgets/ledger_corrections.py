"""Entries finance books by hand: actual cost that no PO carries (a cloud bill line, a card
payment) and corrections with who and why. Like every entry they are appended, never edited."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.money import Money
from models import LedgerEntry, User
from models.budgets.alerts import DEFAULT_THRESHOLDS, raise_alerts
from models.budgets.postings import (
    Account,
    Posting,
    append,
    line_balance,
    lock_lines,
    po_holdings,
    posted,
)
from models.budgets.versions import BudgetRefused, LineRef, line_account


@dataclass(frozen=True)
class Deltas:
    """What a correction changes on a line, in base-currency minor units (signed)."""

    reserved_minor: int = 0
    committed_minor: int = 0
    actual_minor: int = 0


@dataclass(frozen=True)
class Booked:
    """An entry's key, and whether this call wrote it (False: it was already there)."""

    idempotency_key: str
    new: bool


def post_actual(
    session: Session,
    line: LineRef,
    amount_minor: int,
    *,
    currency: str,
    reference: str,
    author: User,
    note: str = "",
    alert_thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
) -> Booked:
    """Book actual cost on a line without a PO. The source reference is the idempotency key:
    the same reference again books nothing, and is refused if it names another amount or line."""
    reference = reference.strip()
    if not reference or len(reference) > 120:
        raise BudgetRefused("reference_required", "an actual needs its source reference (1-120)")
    if amount_minor <= 0:
        raise BudgetRefused("amount_not_positive", "an actual is a positive amount")
    acct = line_account(session, line)
    key = f"actual:{reference}"
    lock_lines(session, acct, [line.period])
    existing = session.scalar(select(LedgerEntry).where(LedgerEntry.idempotency_key == key))
    if existing is not None:
        booked = (existing.cost_center_id, existing.gl_account_id, existing.fiscal_year)
        asked = (acct.cost_center_id, acct.gl_account_id, line.period.fiscal_year)
        figures = (existing.period, existing.actual_delta_minor)
        if booked != asked or figures != (line.period.period, amount_minor):
            raise BudgetRefused("reference_reused", f"{reference} was booked with other figures")
        return Booked(key, new=False)
    posting = Posting(
        kind="actual",
        account=acct,
        period=line.period,
        currency=currency,
        idempotency_key=key,
        actual=amount_minor,
        reference=reference,
        note=note,
        posted_by=author.username,
    )
    append(session, [posting])
    raise_alerts(session, acct, [line.period], alert_thresholds)
    return Booked(key, new=True)


def adjust(
    session: Session,
    line: LineRef,
    deltas: Deltas,
    *,
    currency: str,
    reason: str,
    author: User,
    po_number: str | None = None,
    idempotency_key: str | None = None,
    alert_thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
) -> Booked:
    """Append a correction (kind "adjust") with who and why. It never takes the line's reserved,
    committed or actual, nor a named PO's holdings there, below zero. A repeated key books
    nothing; without a key every call is a new correction."""
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise BudgetRefused("reason_required", "say why, in at most 300 characters")
    if idempotency_key is not None and not 0 < len(idempotency_key) <= 150:
        raise BudgetRefused("invalid_key", "an idempotency key has 1 to 150 characters")
    if deltas == Deltas():
        raise BudgetRefused("nothing_to_adjust", "a correction changes at least one figure")
    acct = line_account(session, line)
    key = f"adjust:{idempotency_key or uuid.uuid4().hex}"
    lock_lines(session, acct, [line.period])
    if posted(session, key):
        return Booked(key, new=False)
    _check_not_negative(session, acct, line, deltas, po_number, currency)
    posting = Posting(
        kind="adjust",
        account=acct,
        period=line.period,
        currency=currency,
        idempotency_key=key,
        reserved=deltas.reserved_minor,
        committed=deltas.committed_minor,
        actual=deltas.actual_minor,
        po_number=po_number,
        note=reason,
        posted_by=author.username,
    )
    append(session, [posting])
    raise_alerts(session, acct, [line.period], alert_thresholds)
    return Booked(key, new=True)


def _check_not_negative(
    session: Session,
    acct: Account,
    line: LineRef,
    deltas: Deltas,
    po_number: str | None,
    currency: str,
) -> None:
    balance = line_balance(session, acct, line.period)
    after = {
        "reserved": balance.reserved_minor + deltas.reserved_minor,
        "committed": balance.committed_minor + deltas.committed_minor,
        "actual": balance.actual_minor + deltas.actual_minor,
    }
    if po_number is not None:
        reserved, committed = po_holdings(session, po_number)
        after[f"{po_number} reserved"] = reserved.get(line.period, 0) + deltas.reserved_minor
        after[f"{po_number} committed"] = committed.get(line.period, 0) + deltas.committed_minor
    for figure, amount in after.items():
        if amount < 0:
            raise BudgetRefused(
                "below_zero",
                f"the correction takes {figure} on {line} to {Money(amount, currency)}",
            )
