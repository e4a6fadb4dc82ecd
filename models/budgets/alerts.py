"""Budget alerts: a line that reaches 80 % or 100 % of its budget raises an alert once per
threshold; the alert is then notified to the cost-center owner and finance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from domain.budget import crossed
from domain.fiscal import FiscalPeriod
from models import BudgetAlert, CostCenter, GlAccount, LedgerEntry, User
from models.budgets.postings import Account, in_force, line_balance

DEFAULT_THRESHOLDS = (80, 100)


@dataclass(frozen=True)
class PendingAlert:
    """An alert to notify: whom, and what to say."""

    alert_id: int
    recipients: tuple[str, ...]
    subject: str
    facts: dict[str, object]


def raise_alerts(
    session: Session, acct: Account, periods: Iterable[FiscalPeriod], thresholds: Sequence[int]
) -> int:
    """Record every threshold the lines have reached and that has no alert yet; the count."""
    raised = 0
    for period in sorted(set(periods)):
        balance = line_balance(session, acct, period)
        for threshold in crossed(balance, thresholds):
            result = session.execute(
                insert(BudgetAlert)
                .values(
                    cost_center_id=acct.cost_center_id,
                    gl_account_id=acct.gl_account_id,
                    fiscal_year=period.fiscal_year,
                    period=period.period,
                    threshold_percent=threshold,
                    budget_minor=balance.budget_minor,
                    consumed_minor=balance.consumed_minor,
                    currency=_currency(session, acct, period),
                )
                .on_conflict_do_nothing()
                .returning(BudgetAlert.id)
            )
            raised += len(result.all())
    return raised


def lines_of_po(session: Session, po_number: str) -> tuple[Account, list[FiscalPeriod]] | None:
    """The account and the periods a PO has entries on; None when it has none."""
    rows = session.execute(
        select(
            LedgerEntry.cost_center_id,
            LedgerEntry.gl_account_id,
            LedgerEntry.fiscal_year,
            LedgerEntry.period,
        )
        .where(LedgerEntry.po_number == po_number)
        .distinct()
    ).all()
    if not rows:
        return None
    center = session.get(CostCenter, rows[0][0])
    gl = session.get(GlAccount, rows[0][1])
    assert center is not None and gl is not None
    acct = Account.of(center, gl)
    return acct, [FiscalPeriod(year, period) for _, _, year, period in rows]


def claim_next_alert(session: Session, after_id: int = 0) -> PendingAlert | None:
    """The oldest alert after ``after_id`` not yet notified and not being notified by another
    transaction, locked (``FOR UPDATE SKIP LOCKED``) until this session's transaction ends:
    only the claimant sends it, and the lock goes with its transaction if it dies."""
    alert = session.scalars(
        select(BudgetAlert)
        .where(BudgetAlert.notified_at.is_(None), BudgetAlert.id > after_id)
        .order_by(BudgetAlert.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    return _pending(session, alert) if alert is not None else None


def mark_notified(session: Session, alert_id: int) -> None:
    alert = session.get(BudgetAlert, alert_id)
    if alert is not None:
        alert.notified_at = datetime.now(UTC)


def _pending(session: Session, alert: BudgetAlert) -> PendingAlert:
    center = session.get(CostCenter, alert.cost_center_id)
    gl = session.get(GlAccount, alert.gl_account_id)
    assert center is not None and gl is not None
    owner = session.get(User, center.owner_id)
    line = f"{center.code}/{gl.code} FY{alert.fiscal_year} period {alert.period}"
    return PendingAlert(
        alert_id=alert.id,
        recipients=tuple(r for r in (owner.username if owner else None, "finance") if r),
        subject=f"Budget {line} at {alert.threshold_percent} %",
        facts={
            "line": line,
            "threshold_percent": alert.threshold_percent,
            "budget_minor": alert.budget_minor,
            "consumed_minor": alert.consumed_minor,
            "currency": alert.currency,
        },
    )


def _currency(session: Session, acct: Account, period: FiscalPeriod) -> str:
    line = in_force(session, acct, period)
    return line.currency if line else "EUR"
