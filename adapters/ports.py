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


@dataclass(frozen=True)
class ErpReceipt:
    erp_reference: str
    created: bool


@dataclass(frozen=True)
class TicketUpdate:
    ticket: str
    state: str
    po_number: str
    note: str
    idempotency_key: str
    change_ticket: str | None = None


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


class ItsmPort(Protocol):
    def update_ticket(self, update: TicketUpdate) -> None: ...


class NotificationPort(Protocol):
    def send(self, notification: Notification) -> None: ...


class RatesPort(Protocol):
    def rate(self, from_currency: str, to_currency: str, on: date) -> tuple[Decimal, date]:
        """Units of ``to_currency`` per unit of ``from_currency`` on ``on`` (or the closest
        earlier published date), and the date of the rate used."""
        ...
