"""The small typed interfaces activities use to reach outside systems. What passes through them
is in ``domain`` (``erp_messages``, ``tickets``, ``notifications``)."""

from datetime import date
from decimal import Decimal
from typing import Protocol

from domain.close.accruals import Journal
from domain.close.reconciliation import GlAmount
from domain.erp_messages import ErpOrder, ErpReceipt, ErpStatusEvent
from domain.notifications import Notification, PoBrief, Recipient
from domain.tickets import TicketUpdate


class ErpPort(Protocol):
    def create_purchase_order(self, order: ErpOrder) -> ErpReceipt:
        """Create the order, or return the one already created under its idempotency key."""
        ...


class ErpFeedPort(Protocol):
    def events_after(self, cursor: str | None) -> tuple[list[ErpStatusEvent], str | None]:
        """The ERP's status events after ``cursor`` (None: from the start), oldest first, and
        the cursor to read on from."""
        ...


class ItsmPort(Protocol):
    def update_ticket(self, update: TicketUpdate) -> None:
        """Write the PO's state and number back to the ticket, once per idempotency key."""
        ...

    def change_ticket_approved(self, change_ticket: str) -> bool:
        """Whether the change ticket (``<system>:<id>``) is approved for implementation."""
        ...


class NotificationPort(Protocol):
    def send(self, notification: Notification) -> None: ...


class MailTransport(Protocol):
    def transmit(
        self, notification: Notification, recipients: list[Recipient], po: PoBrief | None
    ) -> None:
        """E-mail ``notification`` to addressees the caller looked up; records nothing, since
        the caller records the delivery."""
        ...


class RatesPort(Protocol):
    def rate(self, from_currency: str, to_currency: str, on: date) -> tuple[Decimal, date]:
        """Units of ``to_currency`` per unit of ``from_currency`` on ``on`` (or the closest
        earlier published date), and the date of the rate used."""
        ...


class ErpJournalPort(Protocol):
    """The ERP's general ledger: journals in, GL balances out (docs/month-end-close.md)."""

    def post_journal(self, journal: Journal) -> ErpReceipt:
        """Post the journal, or return the one already posted under its ``journal_id``."""
        ...

    def gl_balances(self, period: str) -> list[GlAmount]:
        """The ERP's GL balances of ``period`` (YYYY-MM) per cost center x GL x currency."""
        ...
