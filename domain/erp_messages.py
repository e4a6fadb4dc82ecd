"""What poflow and the ERP exchange: the order issued, the ERP's receipt for it, and the status
events the ERP reports back (by webhook, or read from its feed)."""

from dataclasses import dataclass, field
from typing import Any


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
class EventForPo:
    """A status event and the workflow of the PO it is about."""

    workflow_id: str
    event: ErpStatusEvent


@dataclass(frozen=True)
class FeedPage:
    """Events of POs poflow issued, and the cursor to save once they are passed on."""

    events: list[EventForPo] = field(default_factory=list)
    cursor: str | None = None
