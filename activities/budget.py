"""Budget reservation, commitment, change orders, invoices and release against the ledger
(docs/purchase-order.md, steps 2 and 8)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from activities.budget_alert_notices import BudgetAlertNotices
from adapters.ports import NotificationPort
from domain.purchase_order import BudgetMovement, InvoicePosting, InvoiceResult, ReservationResult
from domain.temporal_names import Activity
from models.budgets import alerts as budget_alerts
from models.budgets import commitments
from models.db import unit_of_work


class BudgetActivities:
    """Each movement is written once per idempotency key; postings are serialised per budget
    line in Postgres, so two requisitions racing for the last of a budget never both take it.
    A posting that takes a line to an alert threshold raises the alert in the same transaction;
    the alert is then notified once (activities/budget_alert_notices.py), and a failed notice is
    retried with the next posting."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        fiscal_year_start_month: int,
        notifications: NotificationPort,
        alert_thresholds: Sequence[int] = budget_alerts.DEFAULT_THRESHOLDS,
    ) -> None:
        self._sessions = sessions
        self._start_month = fiscal_year_start_month
        self._notices = BudgetAlertNotices(sessions, notifications)
        self._thresholds = tuple(alert_thresholds)

    @activity.defn(name=Activity.RESERVE_BUDGET)
    def reserve_budget(self, movement: BudgetMovement) -> ReservationResult:
        with unit_of_work(self._sessions) as session:
            result = commitments.reserve(session, movement, self._start_month)
            self._raise_alerts(session, movement.po_number)
        self._notices.send_pending()
        return result

    @activity.defn(name=Activity.COMMIT_BUDGET)
    def commit_budget(self, movement: BudgetMovement) -> None:
        with unit_of_work(self._sessions) as session:
            commitments.commit(session, movement, self._start_month)
            self._raise_alerts(session, movement.po_number)
        self._notices.send_pending()

    @activity.defn(name=Activity.CHANGE_ORDER_BUDGET)
    def change_order_budget(self, movement: BudgetMovement) -> ReservationResult:
        with unit_of_work(self._sessions) as session:
            result = commitments.change_order(session, movement, self._start_month)
            self._raise_alerts(session, movement.po_number)
        self._notices.send_pending()
        return result

    @activity.defn(name=Activity.RELEASE_BUDGET)
    def release_budget(self, movement: BudgetMovement) -> None:
        with unit_of_work(self._sessions) as session:
            commitments.release(session, movement)

    @activity.defn(name=Activity.RELEASE_RESERVATION_BUDGET)
    def release_reservation_budget(self, movement: BudgetMovement) -> None:
        with unit_of_work(self._sessions) as session:
            commitments.release_reservation(session, movement)

    @activity.defn(name=Activity.INVOICE_BUDGET)
    def invoice_budget(self, posting: InvoicePosting) -> InvoiceResult:
        with unit_of_work(self._sessions) as session:
            result = commitments.invoice(session, posting, self._start_month)
            self._raise_alerts(session, posting.po_number)
        self._notices.send_pending()
        return result

    def _raise_alerts(self, session: Session, po_number: str) -> None:
        lines = budget_alerts.lines_of_po(session, po_number)
        if lines is not None:
            budget_alerts.raise_alerts(session, *lines, self._thresholds)
