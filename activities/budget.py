"""Budget reservation, commitment, change orders, invoices and release against the ledger
(docs/purchase-order.md, steps 2 and 8)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from adapters.ports import NotificationPort
from domain.notifications import Notification
from domain.purchase_order import BudgetMovement, InvoicePosting, InvoiceResult, ReservationResult
from domain.temporal_names import Activity
from models.budgets import alerts as budget_alerts
from models.budgets import commitments
from models.db import unit_of_work

log = logging.getLogger("poflow.budget")


class BudgetActivities:
    """Each movement is written once per idempotency key; postings are serialised per budget
    line in Postgres, so two requisitions racing for the last of a budget never both take it.
    A posting that takes a line to an alert threshold raises the alert in the same transaction;
    the alert is then notified once (see ``_notify_alerts``), and a failed notice is retried
    with the next posting."""

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

    @activity.defn(name=Activity.RESERVE_BUDGET)
    def reserve_budget(self, movement: BudgetMovement) -> ReservationResult:
        with unit_of_work(self._sessions) as session:
            result = commitments.reserve(session, movement, self._start_month)
            self._raise_alerts(session, movement.po_number)
        self._notify_alerts()
        return result

    @activity.defn(name=Activity.COMMIT_BUDGET)
    def commit_budget(self, movement: BudgetMovement) -> None:
        with unit_of_work(self._sessions) as session:
            commitments.commit(session, movement, self._start_month)
            self._raise_alerts(session, movement.po_number)
        self._notify_alerts()

    @activity.defn(name=Activity.CHANGE_ORDER_BUDGET)
    def change_order_budget(self, movement: BudgetMovement) -> ReservationResult:
        with unit_of_work(self._sessions) as session:
            result = commitments.change_order(session, movement, self._start_month)
            self._raise_alerts(session, movement.po_number)
        self._notify_alerts()
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
        self._notify_alerts()
        return result

    def _raise_alerts(self, session: Session, po_number: str) -> None:
        lines = budget_alerts.lines_of_po(session, po_number)
        if lines is not None:
            budget_alerts.raise_alerts(session, *lines, self._thresholds)

    def _notify_alerts(self) -> None:
        """Notify every alert no one else is notifying: each is claimed (a row lock held while
        it is sent), so concurrent postings and retried activities send it once. An alert that
        cannot be sent stays pending for the next posting; the posting itself stands."""
        after = 0
        while True:
            with unit_of_work(self._sessions) as session:
                alert = budget_alerts.claim_next_alert(session, after)
                if alert is None:
                    return
                after = alert.alert_id
                if self._send(alert):
                    budget_alerts.mark_notified(session, alert.alert_id)

    def _send(self, alert: budget_alerts.PendingAlert) -> bool:
        """Whether every recipient was told (the router skips what an earlier try delivered)."""
        try:
            for recipient in alert.recipients:
                key = f"budget-alert:{alert.alert_id}:{recipient}"
                self._notifications.send(
                    Notification(recipient, "budget_alert", alert.subject, None, key, alert.facts)
                )
        except Exception as error:  # a side effect never fails the posting it follows
            log.warning(
                "budget alert %s not sent, kept for the next posting: %r", alert.alert_id, error
            )
            return False
        return True
