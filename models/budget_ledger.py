"""Ledger arithmetic in Postgres: available budget, and the reserve → commit → release moves."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from domain.fiscal import FiscalPeriod, fiscal_period
from domain.money import Money
from domain.purchase_order import BudgetMovement, ReservationResult
from models import BudgetLine, CostCenter, GlAccount, LedgerEntry


def reserve(session: Session, movement: BudgetMovement, start_month: int) -> ReservationResult:
    """Reserve the PO's amount if the budget line has it (or policy allows going over)."""
    cost_center, gl_account, period = _line(session, movement, start_month)
    _lock_line(session, cost_center, gl_account, period)
    existing = _entry(session, movement.idempotency_key)
    own = existing.reserved_delta_minor if existing else 0
    available = available_minor(session, cost_center, gl_account, period) + own
    over = movement.amount_base_minor > available
    if existing is None and (not over or movement.allow_over_budget):
        _append(
            session,
            "reserve",
            movement,
            cost_center,
            gl_account,
            period,
            reserved=movement.amount_base_minor,
            committed=0,
        )
    reserved = existing is not None or not over or movement.allow_over_budget
    return ReservationResult(
        reserved=reserved,
        available_before_minor=available,
        over_budget=over,
        reason=_shortfall(movement, period, available) if over else "",
    )


def _shortfall(movement: BudgetMovement, period: FiscalPeriod, available: int) -> str:
    currency = movement.base_currency
    return (
        f"insufficient budget: {Money(available, currency)} available on "
        f"{movement.cost_center}/{movement.gl_account} FY{period.fiscal_year} period "
        f"{period.period}, {Money(movement.amount_base_minor, currency)} asked"
    )


def commit(session: Session, movement: BudgetMovement, start_month: int) -> None:
    """Turn the PO's reservation into a commitment (encumbrance)."""
    if _entry(session, movement.idempotency_key):
        return
    cost_center, gl_account, period = _line(session, movement, start_month)
    reserved, _committed = po_balance(session, movement.po_number)
    _append(
        session,
        "commit",
        movement,
        cost_center,
        gl_account,
        period,
        reserved=-reserved,
        committed=movement.amount_base_minor,
    )


def release(session: Session, movement: BudgetMovement, start_month: int) -> None:
    """Release whatever the PO still holds, reserved or committed."""
    if _entry(session, movement.idempotency_key):
        return
    cost_center, gl_account, period = _line(session, movement, start_month)
    reserved, committed = po_balance(session, movement.po_number)
    if reserved or committed:
        _append(
            session,
            "release",
            movement,
            cost_center,
            gl_account,
            period,
            reserved=-reserved,
            committed=-committed,
        )


def available_minor(
    session: Session, cost_center: int, gl_account: int, period: FiscalPeriod
) -> int:
    """Budget in force minus everything reserved and committed on the line."""
    budget = session.scalar(
        select(BudgetLine.amount_minor)
        .where(
            BudgetLine.cost_center_id == cost_center,
            BudgetLine.gl_account_id == gl_account,
            BudgetLine.fiscal_year == period.fiscal_year,
            BudgetLine.period == period.period,
        )
        .order_by(BudgetLine.version.desc())
        .limit(1)
    )
    used = session.scalar(
        select(
            func.coalesce(
                func.sum(LedgerEntry.reserved_delta_minor + LedgerEntry.committed_delta_minor), 0
            )
        ).where(
            LedgerEntry.cost_center_id == cost_center,
            LedgerEntry.gl_account_id == gl_account,
            LedgerEntry.fiscal_year == period.fiscal_year,
            LedgerEntry.period == period.period,
        )
    )
    return int(budget or 0) - int(used or 0)


@dataclass(frozen=True)
class BudgetEffect:
    """What a PO does to its budget line: available before it, and after what it holds now."""

    cost_center: str
    gl_account: str
    period: FiscalPeriod
    currency: str
    available_before_minor: int
    available_after_minor: int


def budget_effect(session: Session, po_number: str) -> BudgetEffect | None:
    """The PO's budget line and its effect; None before the PO touched a budget."""
    entry = session.scalar(
        select(LedgerEntry).where(LedgerEntry.po_number == po_number).order_by(LedgerEntry.id)
    )
    if entry is None:
        return None
    period = FiscalPeriod(entry.fiscal_year, entry.period)
    after = available_minor(session, entry.cost_center_id, entry.gl_account_id, period)
    held = sum(po_balance(session, po_number))
    center = session.get(CostCenter, entry.cost_center_id)
    account = session.get(GlAccount, entry.gl_account_id)
    return BudgetEffect(
        cost_center=center.code if center else "?",
        gl_account=account.code if account else "?",
        period=period,
        currency=entry.currency,
        available_before_minor=after + held,
        available_after_minor=after,
    )


def po_balance(session: Session, po_number: str) -> tuple[int, int]:
    """What the PO holds now: (reserved, committed)."""
    reserved, committed = session.execute(
        select(
            func.coalesce(func.sum(LedgerEntry.reserved_delta_minor), 0),
            func.coalesce(func.sum(LedgerEntry.committed_delta_minor), 0),
        ).where(LedgerEntry.po_number == po_number)
    ).one()
    return int(reserved), int(committed)


def _line(
    session: Session, movement: BudgetMovement, start_month: int
) -> tuple[int, int, FiscalPeriod]:
    cost_center = session.scalar(
        select(CostCenter.id).where(CostCenter.code == movement.cost_center)
    )
    gl_account = session.scalar(select(GlAccount.id).where(GlAccount.code == movement.gl_account))
    if cost_center is None or gl_account is None:
        raise LookupError(f"unknown budget line {movement.cost_center}/{movement.gl_account}")
    return cost_center, gl_account, fiscal_period(movement.service_start, start_month)


def _lock_line(session: Session, cost_center: int, gl_account: int, period: FiscalPeriod) -> None:
    key = f"budget:{cost_center}:{gl_account}:{period.fiscal_year}:{period.period}"
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


def _entry(session: Session, key: str) -> LedgerEntry | None:
    return session.scalar(select(LedgerEntry).where(LedgerEntry.idempotency_key == key))


def _append(
    session: Session,
    kind: str,
    movement: BudgetMovement,
    cost_center: int,
    gl_account: int,
    period: FiscalPeriod,
    *,
    reserved: int,
    committed: int,
) -> None:
    session.add(
        LedgerEntry(
            kind=kind,
            po_number=movement.po_number,
            revision=movement.revision,
            cost_center_id=cost_center,
            gl_account_id=gl_account,
            fiscal_year=period.fiscal_year,
            period=period.period,
            reserved_delta_minor=reserved,
            committed_delta_minor=committed,
            currency=movement.base_currency,
            idempotency_key=movement.idempotency_key,
        )
    )
    session.flush()
