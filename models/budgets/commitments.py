"""A PO's money on the ledger: reserve at creation, commit at issue, change orders, invoices,
release. Each step posts once per idempotency key, under the locks of the lines it touches;
what each step decides is ``domain.commitments``.

A cost center whose fiscal policy is "invoice" is checked but never reserved or committed: its
POs reach the ledger only when invoiced, as actual cost.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from domain.budget import PeriodAmounts, relief
from domain.commitments import (
    PeriodMove,
    Shortfall,
    change_order_moves,
    commitment_moves,
    decide_reservation,
    first_overdrawn,
    schedule,
    shortfall_reason,
)
from domain.fiscal import fiscal_period
from domain.purchase_order import (
    BudgetMovement,
    InvoicePosting,
    InvoiceResult,
    ReservationResult,
)
from models import LedgerEntry
from models.budgets.postings import (
    Account,
    Posting,
    account,
    append,
    line_balance,
    lock_lines,
    locked_holdings,
    po_holdings,
    posted,
)


def reserve(session: Session, movement: BudgetMovement, start_month: int) -> ReservationResult:
    """Reserve the amount on every period it falls on if each line has it (or policy allows
    going over). A retry of the same step answers as the first call did, reserving nothing."""
    acct = account(session, movement.cost_center, movement.gl_account)
    wanted = schedule(movement, start_month)
    lock_lines(session, acct, wanted)
    already = posted(session, movement.idempotency_key)
    own = po_holdings(session, movement.po_number)[0] if already else {}
    available = {
        period: line_balance(session, acct, period).available_minor + own.get(period, 0)
        for period in wanted
    }
    decision = decide_reservation(wanted, available, movement.allow_over_budget)
    if not already and acct.reserve_at == "creation" and decision.allowed:
        moves = [PeriodMove("reserve", p, reserved=a) for p, a in sorted(wanted.items())]
        append(session, (_posting(movement, acct, move) for move in moves))
    short = decision.shortfall
    return ReservationResult(
        reserved=already or decision.allowed,
        available_before_minor=decision.available_minor,
        over_budget=short is not None,
        reason=_reason(movement, acct, short) if short else "",
    )


def commit(session: Session, movement: BudgetMovement, start_month: int) -> None:
    """Turn the PO's reservation into a commitment (encumbrance), period by period."""
    acct = account(session, movement.cost_center, movement.gl_account)
    if acct.reserve_at != "creation" or posted(session, movement.idempotency_key):
        return
    wanted = schedule(movement, start_month)
    reserved, _ = locked_holdings(session, acct, movement.po_number, wanted)
    moves = commitment_moves(wanted, reserved)
    append(session, [_posting(movement, acct, move) for move in moves])


def change_order(session: Session, movement: BudgetMovement, start_month: int) -> ReservationResult:
    """Post a change order's moves (``domain.commitments.change_order_moves``) under the locks
    of every period they touch: the new schedule's and those the PO held.

    Unless the movement may go over budget, nothing is posted when the change would take a
    period's line below zero; the answer names that period and its shortfall."""
    acct = account(session, movement.cost_center, movement.gl_account)
    if acct.reserve_at != "creation" or posted(session, movement.idempotency_key):
        return ReservationResult(reserved=True, available_before_minor=0, over_budget=False)
    new_periods = schedule(movement, start_month)
    reserved, committed = locked_holdings(session, acct, movement.po_number, new_periods)
    moves = change_order_moves(movement, reserved, committed, start_month)
    short = None if movement.allow_over_budget else _overdrawn(session, acct, moves)
    if short is not None:
        reason = _reason(movement, acct, short)
        return ReservationResult(False, short.available_minor, True, reason)
    append(session, [_posting(movement, acct, move) for move in moves])
    return ReservationResult(reserved=True, available_before_minor=0, over_budget=False)


def _overdrawn(session: Session, acct: Account, moves: list[PeriodMove]) -> Shortfall | None:
    """The first period the moves would take below zero, by the line's balances now."""
    added: PeriodAmounts = {}
    for move in moves:
        added[move.period] = added.get(move.period, 0) + move.reserved + move.committed
    available = {
        period: line_balance(session, acct, period).available_minor
        for period, amount in added.items()
        if amount > 0
    }
    return first_overdrawn(added, available)


def release(session: Session, movement: BudgetMovement, _start_month: int = 1) -> None:
    """Release whatever the PO still holds, reserved or committed, on every period."""
    _release(session, movement, include_committed=True)


def release_reservation(session: Session, movement: BudgetMovement, _start_month: int = 1) -> None:
    """Release what the PO holds reserved (a refused change order), leaving its commitment."""
    _release(session, movement, include_committed=False)


def _release(session: Session, movement: BudgetMovement, *, include_committed: bool) -> None:
    if posted(session, movement.idempotency_key):
        return
    acct = account(session, movement.cost_center, movement.gl_account)
    reserved, committed = locked_holdings(session, acct, movement.po_number)
    if not include_committed:
        committed = {}
    moves = [
        PeriodMove("release", p, reserved=-reserved.get(p, 0), committed=-committed.get(p, 0))
        for p in sorted(set(reserved) | set(committed))
    ]
    append(session, [_posting(movement, acct, move) for move in moves])


def invoice(session: Session, posting: InvoicePosting, start_month: int) -> InvoiceResult:
    """Relieve the PO's open commitment by the invoice (its own period first, then the earliest)
    and book the actual cost on the invoice's period. A repeated invoice number posts nothing
    and answers as the first posting did (a retried activity must not report nothing relieved)."""
    if posted(session, posting.idempotency_key):
        return _invoice_booked(session, posting.idempotency_key)
    acct = account(session, posting.cost_center, posting.gl_account)
    at = fiscal_period(posting.invoice_date, start_month)
    _, committed = locked_holdings(session, acct, posting.po_number, [at])
    if acct.reserve_at != "creation":
        committed = {}
    relieved = relief(committed, posting.amount_base_minor, at)
    common = {
        "account": acct,
        "currency": posting.base_currency,
        "idempotency_key": posting.idempotency_key,
        "po_number": posting.po_number,
        "revision": posting.revision,
        "reference": posting.invoice_number,
        "posted_by": posting.posted_by,
        "rate": posting.rate,
        "rate_date": posting.rate_date,
    }
    actual = Posting(
        kind="actual",
        period=at,
        actual=posting.amount_base_minor,
        source_amount_minor=posting.amount_minor,
        source_currency=posting.currency,
        **common,  # type: ignore[arg-type]
    )
    reliefs = [
        Posting(kind="relieve", period=p, committed=-amount, **common)  # type: ignore[arg-type]
        for p, amount in sorted(relieved.items())
    ]
    append(session, [actual, *reliefs])
    return InvoiceResult(sum(relieved.values()), posting.amount_base_minor)


def _invoice_booked(session: Session, key: str) -> InvoiceResult:
    """What an invoice's entries (``key``, ``key#2``, ...) relieved and booked as actual."""
    relieved, actual = session.execute(
        select(
            func.coalesce(-func.sum(LedgerEntry.committed_delta_minor), 0),
            func.coalesce(func.sum(LedgerEntry.actual_delta_minor), 0),
        ).where(
            or_(
                LedgerEntry.idempotency_key == key,
                LedgerEntry.idempotency_key.startswith(f"{key}#", autoescape=True),
            )
        )
    ).one()
    return InvoiceResult(int(relieved), int(actual))


def _posting(movement: BudgetMovement, acct: Account, move: PeriodMove) -> Posting:
    return Posting(
        kind=move.kind,
        account=acct,
        period=move.period,
        currency=movement.base_currency,
        idempotency_key=movement.idempotency_key,
        reserved=move.reserved,
        committed=move.committed,
        po_number=movement.po_number,
        revision=movement.revision,
        rate=movement.rate,
        rate_date=movement.rate_date,
        note=move.note,
    )


def _reason(movement: BudgetMovement, acct: Account, shortfall: Shortfall) -> str:
    return shortfall_reason(shortfall, movement.base_currency, acct.cost_center, acct.gl_account)
