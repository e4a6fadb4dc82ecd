"""Reaching outside systems: issue to the ERP, write back to the ITSM ticket, tell people."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from adapters.ports import ErpPort, ItsmPort, NotificationPort
from domain.erp_messages import ErpOrder, ErpReceipt
from domain.notifications import Notification
from domain.side_effects import NOT_DELIVERED
from domain.temporal_names import Activity
from domain.tickets import TicketUpdate


class OutboundActivities:
    """Each call carries an idempotency key, so a retry never creates a second ERP order or
    message."""

    def __init__(self, erp: ErpPort, itsm: ItsmPort, notifications: NotificationPort) -> None:
        self._erp = erp
        self._itsm = itsm
        self._notifications = notifications

    @activity.defn(name=Activity.ISSUE_TO_ERP)
    def issue_to_erp(self, order: ErpOrder) -> ErpReceipt:
        return self._erp.create_purchase_order(order)

    @activity.defn(name=Activity.UPDATE_ITSM_TICKET)
    def update_itsm_ticket(self, update: TicketUpdate) -> None:
        self._itsm.update_ticket(update)

    @activity.defn(name=Activity.CHANGE_APPROVED)
    def change_ticket_approved(self, change_ticket: str) -> bool:
        return self._itsm.change_ticket_approved(change_ticket)

    @activity.defn(name=Activity.SEND_NOTIFICATION)
    def send_notification(self, notification: Notification) -> None:
        self._notifications.send(notification)

    @activity.defn(name=Activity.SEND_NOTIFICATIONS)
    def send_notifications(self, notifications: list[Notification]) -> None:
        """Every message is tried; a failure is raised after the others went out, naming the
        keys of those that did not (``NOT_DELIVERED``), and the retry resends only them."""
        failures: dict[str, Exception] = {}
        for notification in notifications:
            try:
                self._notifications.send(notification)
            except Exception as error:
                failures[notification.idempotency_key] = error
        if failures:
            first = next(iter(failures.values()))
            raise ApplicationError(str(first), [*failures], type=NOT_DELIVERED) from first
