"""A PO's money on the ledger: reserve at creation, commit at issue, change orders, invoices,
release. Each step posts once per idempotency key, under the locks of the lines it touches.

A cost center whose fiscal policy is "invoice" is checked but never reserved or committed: its
POs reach the ledger only when invoiced, as actual cost.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from domain.budget import PeriodAmounts, reduction, relief, reshape, spread
from domain.fiscal import FiscalPeriod, fiscal_period
from domain.money import Money
from domain.purchase_order import (
    BudgetMovement,
    InvoicePosting,
    InvoiceResult,
    ReservationResult,
)
from models import LedgerEntry
from models.budget_ledger import (
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


def schedule(movement: BudgetMovement, start_month: int) -> PeriodAmounts:
    """The movement's amount over the fiscal periods of its service period."""
    return spread(
        movement.amount_base_minor, movement.service_start, movement.last_day(), start_month
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
    short = [period for period in sorted(wanted) if wanted[period] > available[period]]
    over = bool(short)
    if not already and acct.reserve_at == "creation" and (not over or movement.allow_over_budget):
        append(
            session,
            (_posting(movement, acct, "reserve", p, reserved=a) for p, a in sorted(wanted.items())),
        )
    focus = short[0] if short else min(wanted)
    return ReservationResult(
        reserved=already or not over or movement.allow_over_budget,
        available_before_minor=available[focus],
        over_budget=over,
        reason=_shortfall(movement, acct, focus, available[focus], wanted[focus]) if over else "",
    )


def commit(session: Session, movement: BudgetMovement, start_month: int) -> None:
    """Turn the PO's reservation into a commitment (encumbrance), period by period."""
    acct = account(session, movement.cost_center, movement.gl_account)
    if acct.reserve_at != "creation" or posted(session, movement.idempotency_key):
        return
    wanted = schedule(movement, start_month)
    reserved, _ = locked_holdings(session, acct, movement.po_number, wanted)
    moves = [
        _posting(
            movement, acct, "commit", p, reserved=-reserved.get(p, 0), committed=wanted.get(p, 0)
        )
        for p in sorted(set(wanted) | set(reserved))
    ]
    append(session, moves)


def change_order(session: Session, movement: BudgetMovement, start_month: int) -> ReservationResult:
    """Move the commitment by the change only: an increase commits the delta (taking over its
    reservation), a decrease releases the difference from the latest periods. Then the open
    commitment is reshaped, net zero, over the service period from ``as_of`` on; a change of
    dates alone (a delay) moves the commitment between periods and nothing else.

    Unless the movement may go over budget, nothing is posted when the change would take a
    period's line below zero; the answer names that period and its shortfall."""
    acct = account(session, movement.cost_center, movement.gl_account)
    if acct.reserve_at != "creation" or posted(session, movement.idempotency_key):
        return ReservationResult(reserved=True, available_before_minor=0, over_budget=False)
    new_periods = schedule(movement, start_month)
    reserved, committed = locked_holdings(session, acct, movement.po_number, new_periods)
    postings = _delta_postings(movement, acct, reserved, committed, start_month)
    open_after = dict(committed)
    for posting in postings:
        open_after[posting.period] = open_after.get(posting.period, 0) + posting.committed
    first = max(movement.service_start, movement.as_of or movement.service_start)
    first = min(first, movement.last_day())
    target = spread(sum(open_after.values()), first, movement.last_day(), start_month)
    postings += [
        _posting(movement, acct, "adjust", p, committed=move, note="commitment moved")
        for p, move in sorted(reshape(open_after, target).items())
    ]
    # Every period posted to is locked: the new schedule's and those the PO held.
    short = None if movement.allow_over_budget else _overdrawn(session, acct, postings)
    if short is not None:
        period, available, asked = short
        reason = _shortfall(movement, acct, period, available, asked)
        return ReservationResult(False, available, True, reason)
    append(session, postings)
    return ReservationResult(reserved=True, available_before_minor=0, over_budget=False)


def _overdrawn(
    session: Session, acct: Account, postings: list[Posting]
) -> tuple[FiscalPeriod, int, int] | None:
    """The first period the postings would take below zero: (period, available, added)."""
    added: PeriodAmounts = {}
    for posting in postings:
        added[posting.period] = added.get(posting.period, 0) + posting.reserved + posting.committed
    for period, amount in sorted(added.items()):
        available = line_balance(session, acct, period).available_minor
        if amount > 0 and available - amount < 0:
            return period, available, amount
    return None


def _delta_postings(
    movement: BudgetMovement,
    acct: Account,
    reserved: PeriodAmounts,
    committed: PeriodAmounts,
    start_month: int,
) -> list[Posting]:
    change = movement.change_minor
    if change > 0:
        wanted = schedule(replace(movement, amount_base_minor=change), start_month)
        return [
            _posting(
                movement,
                acct,
                "commit",
                p,
                reserved=-reserved.get(p, 0),
                committed=wanted.get(p, 0),
            )
            for p in sorted(set(wanted) | set(reserved))
        ]
    releases = reduction(committed, -change)
    return [
        _posting(movement, acct, "release", p, committed=-amount, note="change order decrease")
        for p, amount in sorted(releases.items())
    ]


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
    periods = sorted(set(reserved) | set(committed))
    append(
        session,
        (
            _posting(
                movement,
                acct,
                "release",
                p,
                reserved=-reserved.get(p, 0),
                committed=-committed.get(p, 0),
            )
            for p in periods
        ),
    )


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


def _posting(
    movement: BudgetMovement,
    acct: Account,
    kind: str,
    period: FiscalPeriod,
    *,
    reserved: int = 0,
    committed: int = 0,
    note: str = "",
) -> Posting:
    return Posting(
        kind=kind,
        account=acct,
        period=period,
        currency=movement.base_currency,
        idempotency_key=movement.idempotency_key,
        reserved=reserved,
        committed=committed,
        po_number=movement.po_number,
        revision=movement.revision,
        rate=movement.rate,
        rate_date=movement.rate_date,
        note=note,
    )


def _shortfall(
    movement: BudgetMovement, acct: Account, period: FiscalPeriod, available: int, asked: int
) -> str:
    currency = movement.base_currency
    return (
        f"insufficient budget: {Money(available, currency)} available on "
        f"{acct.cost_center}/{acct.gl_account} FY{period.fiscal_year} period "
        f"{period.period}, {Money(asked, currency)} asked"
    )
