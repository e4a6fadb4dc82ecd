"""Budget reservation, commitment, change orders, invoices and release against the ledger
(PRODUCT.md step 4 and 8)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from adapters.ports import Notification, NotificationPort
from domain.purchase_order import BudgetMovement, InvoicePosting, InvoiceResult, ReservationResult
from models import budget_alerts, commitments
from models.db import unit_of_work

log = logging.getLogger("poflow.budget")


class BudgetActivities:
    """Each movement is written once per idempotency key; postings are serialised per budget
    line in Postgres, so two requisitions racing for the last of a budget never both take it.
    A posting that takes a line to an alert threshold raises the alert in the same transaction;
    the alert is then notified, and a failed notice is retried with the next posting: it never
    fails the posting."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        fiscal_year_start_month: int,
        notifications: NotificationPort,
        alert_thresholds: Sequence[int] = budget_alerts.DEFAULT_THRESHOLDS,
    ) -> None:
        self._sessions = sessions
        self._start_month = fiscal_year_start_month
        self._notifications = notifications
        self._thresholds = tuple(alert_thresholds)

    @activity.defn(name="reserve_budget")
    def reserve_budget(self, movement: BudgetMovement) -> ReservationResult:
        with unit_of_work(self._sessions) as session:
            result = commitments.reserve(session, movement, self._start_month)
            self._raise_alerts(session, movement.po_number)
        self._notify_alerts()
        return result

    @activity.defn(name="commit_budget")
    def commit_budget(self, movement: BudgetMovement) -> None:
        with unit_of_work(self._sessions) as session:
            commitments.commit(session, movement, self._start_month)
            self._raise_alerts(session, movement.po_number)
        self._notify_alerts()

    @activity.defn(name="change_order_budget")
    def change_order_budget(self, movement: BudgetMovement) -> ReservationResult:
        with unit_of_work(self._sessions) as session:
            result = commitments.change_order(session, movement, self._start_month)
            self._raise_alerts(session, movement.po_number)
        self._notify_alerts()
        return result

    @activity.defn(name="release_budget")
    def release_budget(self, movement: BudgetMovement) -> None:
        with unit_of_work(self._sessions) as session:
            commitments.release(session, movement)

    @activity.defn(name="release_reservation_budget")
    def release_reservation_budget(self, movement: BudgetMovement) -> None:
        with unit_of_work(self._sessions) as session:
            commitments.release_reservation(session, movement)

    @activity.defn(name="invoice_budget")
    def invoice_budget(self, posting: InvoicePosting) -> InvoiceResult:
        with unit_of_work(self._sessions) as session:
            result = commitments.invoice(session, posting, self._start_month)
            self._raise_alerts(session, posting.po_number)
        self._notify_alerts()
        return result

    def _raise_alerts(self, session: Session, po_number: str) -> None:
        lines = budget_alerts.lines_of_po(session, po_number)
        if lines is not None:
            budget_alerts.raise_alerts(session, *lines, self._thresholds)

    def _notify_alerts(self) -> None:
        try:
            self._send_alerts()
        except Exception as error:  # the posting is done; the alert waits for the next one
            log.warning("budget alerts not sent yet: %r", error)

    def _send_alerts(self) -> None:
        with unit_of_work(self._sessions) as session:
            pending = budget_alerts.pending_alerts(session)
        for alert in pending:
            for recipient in alert.recipients:
                key = f"budget-alert:{alert.alert_id}:{recipient}"
                self._notifications.send(
                    Notification(recipient, "budget_alert", alert.subject, None, key, alert.facts)
                )
            with unit_of_work(self._sessions) as session:
                budget_alerts.mark_notified(session, alert.alert_id)
