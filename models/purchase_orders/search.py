"""Finding POs for an auditor: by number, requester, vendor and status, across every PO."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from domain.catalog import PoStatus
from models.purchase_orders.records import PurchaseOrder


@dataclass(frozen=True)
class PoSearch:
    """What to look for; text fields match anywhere, ignoring case; empty fields match all."""

    number: str = ""
    requester: str = ""
    vendor: str = ""
    status: PoStatus | None = None

    @property
    def empty(self) -> bool:
        return not (self.number or self.requester or self.vendor or self.status)


def search_purchase_orders(
    session: Session, search: PoSearch, limit: int = 100
) -> Sequence[PurchaseOrder]:
    """Every PO matching ``search``, newest first, at most ``limit``."""
    query = select(PurchaseOrder).options(defer(PurchaseOrder.detail))
    for column, text in (
        (PurchaseOrder.po_number, search.number),
        (PurchaseOrder.requester, search.requester),
        (PurchaseOrder.vendor, search.vendor),
    ):
        if text:
            query = query.where(column.icontains(text, autoescape=True))
    if search.status is not None:
        query = query.where(PurchaseOrder.status == search.status)
    order = (PurchaseOrder.created_at.desc(), PurchaseOrder.po_number.desc())
    return session.scalars(query.order_by(*order).limit(limit)).all()
