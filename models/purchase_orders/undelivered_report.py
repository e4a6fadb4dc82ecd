"""The undelivered report: every message and ticket update that could not go out after its
retries, as the POs' workflows kept them (the read model's ``detail``), newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import column, func, literal, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from domain.catalog import PoStatus
from models.purchase_orders.records import PurchaseOrder


@dataclass(frozen=True)
class UndeliveredLine:
    po_number: str
    po_status: PoStatus
    what: str  # message or ticket_update
    recipient: str
    subject: str
    reason: str
    at: datetime
    key: str


def undelivered_report(session: Session, limit: int = 200) -> list[UndeliveredLine]:
    """The newest ``limit`` undelivered items across all POs."""
    item = func.jsonb_array_elements(PurchaseOrder.detail["undelivered"]).table_valued(
        column("value", JSONB)
    )
    at = item.c.value["at"].astext  # ISO 8601 in UTC: sorts as time
    rows = session.execute(
        select(PurchaseOrder.po_number, PurchaseOrder.status, item.c.value)
        .select_from(PurchaseOrder)
        .join(item, literal(True))
        .where(PurchaseOrder.detail.has_key("undelivered"))
        .order_by(at.desc(), PurchaseOrder.po_number)
        .limit(limit)
    )
    return [
        UndeliveredLine(
            po_number=number,
            po_status=status,
            what=value["what"],
            recipient=value["recipient"],
            subject=value["subject"],
            reason=value["reason"],
            at=datetime.fromisoformat(value["at"]),
            key=value["key"],
        )
        for number, status, value in rows
    ]
