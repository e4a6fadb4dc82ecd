"""Budget alerts as report lines: every threshold a budget line crossed, with what it had
consumed of what budget when the alert was raised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import BudgetAlert, CostCenter, GlAccount
from models.budgets.report_scope import centers_in_scope


@dataclass(frozen=True)
class AlertLine:
    alert_id: int
    cost_center: str
    gl_account: str
    fiscal_year: int
    period: int
    threshold_percent: int
    consumed_minor: int
    budget_minor: int
    currency: str
    raised_at: datetime
    notified_at: datetime | None


def alert_report(
    session: Session, fiscal_year: int, cost_center: str | None = None
) -> list[AlertLine]:
    """The year's alerts (in ``cost_center``'s subtree when given) by line, then threshold.
    UnknownCostCenter for an unknown cost center."""
    ids = [center.id for center in centers_in_scope(session, cost_center)]
    rows = session.execute(
        select(BudgetAlert, CostCenter.code, GlAccount.code)
        .join(CostCenter, CostCenter.id == BudgetAlert.cost_center_id)
        .join(GlAccount, GlAccount.id == BudgetAlert.gl_account_id)
        .where(BudgetAlert.fiscal_year == fiscal_year, BudgetAlert.cost_center_id.in_(ids))
        .order_by(
            CostCenter.code, GlAccount.code, BudgetAlert.period, BudgetAlert.threshold_percent
        )
    ).all()
    return [
        AlertLine(
            alert.id,
            center,
            gl,
            alert.fiscal_year,
            alert.period,
            alert.threshold_percent,
            alert.consumed_minor,
            alert.budget_minor,
            alert.currency,
            alert.raised_at,
            alert.notified_at,
        )
        for alert, center, gl in rows
    ]
