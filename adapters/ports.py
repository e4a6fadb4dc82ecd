"""The small typed interfaces activities use to reach outside systems."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True)
class ErpOrder:
    """A purchase order as sent to the ERP; ``idempotency_key`` is PO number + revision."""

    idempotency_key: str
    po_number: str
    revision: int
    vendor: str
    currency: str
    amount_minor: int
    cost_center: str
    gl_account: str | None
    lines: list[dict[str, Any]] = field(default_factory=list)
    project: str | None = None
    asset_tag: str | None = None
    tax_code: str | None = None


@dataclass(frozen=True)
class ErpReceipt:
    erp_reference: str
    created: bool


@dataclass(frozen=True)
class ErpStatusEvent:
    """What the ERP reports about an order it holds: ``acknowledged``, ``received`` or
    ``invoiced``; ``event_id`` is the ERP's own, so a repeated delivery counts once."""

    event_id: str
    erp_reference: str
    po_number: str
    status: str
    occurred_at: str
    detail: str = ""


@dataclass(frozen=True)
class TicketUpdate:
    """A write-back to the ticket a PO came from. ``ticket`` is ``<system>:<id>``
    (``servicenow:<sys_id>``, ``jira:<issue key>``, ``glpi:<ticket id>``); ``state`` is one of
    TICKET_STATES; ``note`` is the comment the ticket shows."""

    ticket: str
    state: str
    po_number: str
    note: str
    idempotency_key: str
    change_ticket: str | None = None

    @property
    def headline(self) -> str:
        """``PO-1001 issued``; only the state when no PO was raised."""
        return f"{self.po_number} {self.state}".strip()


# The PO states written back to a ticket.
TICKET_STATES = (
    "submitted",  # the requisition became a PO and awaits approval
    "approved",  # a tier approved (note says which); "issued" follows the last one
    "information_requested",
    "issued",
    "rejected",
    "refused",  # the requisition failed validation; note says what is missing
    "cancelled",
    "closed",
)


@dataclass(frozen=True)
class TicketRequest:
    """A ticket asking to buy, as the ITSM tool holds it: who asked and the catalog variables
    (``cost_center``, ``vendor``, ``unit_price``, ...; see domain.itsm_requisition)."""

    ticket: str  # <system>:<id>, as in TicketUpdate
    number: str  # what people call it: RITM0010001, ITSM-12, 42
    requested_by: str  # a username or an e-mail address
    title: str
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Notification:
    """A message to one person; ``recipient`` is a username or an e-mail address."""

    recipient: str
    kind: str
    subject: str
    po_number: str | None
    idempotency_key: str
    facts: dict[str, Any] = field(default_factory=dict)


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

    def change_approved(self, change_ticket: str) -> bool:
        """Whether the change ticket (``<system>:<id>``) is approved for implementation."""
        ...


class NotificationPort(Protocol):
    def send(self, notification: Notification) -> None: ...


class RatesPort(Protocol):
    def rate(self, from_currency: str, to_currency: str, on: date) -> tuple[Decimal, date]:
        """Units of ``to_currency`` per unit of ``from_currency`` on ``on`` (or the closest
        earlier published date), and the date of the rate used."""
        ...
