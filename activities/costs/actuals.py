"""Booking the cost of the loads a cost-load run swapped in as ``actual`` ledger entries
(docs/costs.md, "Actuals and POs"), and the budget alerts those entries raise."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from activities.budget_alert_notices import BudgetAlertNotices
from adapters.ports import NotificationPort
from domain.costs.settlement import ActualsSummary
from domain.temporal_names import Activity
from models.budgets import alerts as budget_alerts
from models.costs.actuals import book_actuals, lines_booked
from models.db import unit_of_work


class CostActualsActivities:
    """Entries are keyed by the load, so a retried activity posts nothing twice; a reload
    reverses what the slice's previous load booked, in the same transaction as its own. A line
    the actuals take to an alert threshold raises the alert in that transaction too, and the
    cost-center owner and finance are told as for a PO's postings (a failed notice never fails
    the booking)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        base_currency: str,
        fiscal_year_start_month: int,
        notifications: NotificationPort,
        alert_thresholds: Sequence[int] = budget_alerts.DEFAULT_THRESHOLDS,
    ) -> None:
        self._sessions = sessions
        self._currency = base_currency
        self._start_month = fiscal_year_start_month
        self._notices = BudgetAlertNotices(sessions, notifications)
        self._thresholds = tuple(alert_thresholds)

    @activity.defn(name=Activity.BOOK_COST_ACTUALS)
    def book_cost_actuals(self, load_ids: list[int]) -> ActualsSummary:
        """Book the loads' actuals per cost center x GL account x fiscal period; lines of no
        cost center are counted as unallocated, not booked."""
        with unit_of_work(self._sessions) as session:
            summary = book_actuals(
                session, load_ids, currency=self._currency, start_month=self._start_month
            )
            for account, periods in lines_booked(session, load_ids).items():
                budget_alerts.raise_alerts(session, account, periods, self._thresholds)
        self._notices.send_pending()
        return summary
