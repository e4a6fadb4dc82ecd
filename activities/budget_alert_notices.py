"""Telling the cost-center owner and finance of budget alerts, whichever posting raised them
(a PO's reservation, commitment or invoice, or a cost load's cloud actuals)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from adapters.ports import NotificationPort
from domain.notifications import Notification
from models.budgets import alerts as budget_alerts
from models.db import unit_of_work

log = logging.getLogger("poflow.budget")


class BudgetAlertNotices:
    """Each alert is claimed (a row lock held while it is sent), so concurrent postings and
    retried activities send it once. An alert that cannot be sent stays pending for the next
    posting; the posting itself stands."""

    def __init__(self, sessions: sessionmaker[Session], notifications: NotificationPort) -> None:
        self._sessions = sessions
        self._notifications = notifications

    def send_pending(self) -> None:
        """Notify every alert no one else is notifying."""
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
