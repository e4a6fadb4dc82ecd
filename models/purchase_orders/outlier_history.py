"""The history a requisition's outlier check compares it with (docs/policies.md, "Outlier POs"):
earlier POs of the same service type and vendor (by normalised vendor name) that were approved
or issued, in base currency."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog import PoStatus
from domain.outliers import OutlierCheck, Purchase, check_purchase
from domain.requisition import Requisition
from domain.vendor_names import normalised_vendor_name
from models.purchase_orders.records import PurchaseOrder

# Cancelled, rejected and refused POs are not what the company buys; neither is one in flight.
BOUGHT = (PoStatus.APPROVED, PoStatus.ISSUED, PoStatus.CLOSED)
HISTORY_LIMIT = 500  # the most recent POs: prices drift, and the check stays cheap


def outlier_check(
    session: Session,
    requisition: Requisition,
    po_number: str,
    amount_base_minor: int,
    base_currency: str,
) -> OutlierCheck:
    """The requisition (its amount already in base currency) scored against the POs bought
    before of its service type and vendor, the PO itself left out."""
    quantity = sum(line.quantity for line in requisition.lines)
    purchase = Purchase.of(
        amount_base_minor, quantity, requisition.service_start, requisition.service_end
    )
    history = purchase_history(session, requisition, po_number, base_currency)
    peers = f"{requisition.vendor} {requisition.service_type.value.replace('_', ' ')}"
    return check_purchase(purchase, history, base_currency, peers)


def purchase_history(
    session: Session, requisition: Requisition, po_number: str, base_currency: str
) -> list[Purchase]:
    """Approved, issued or closed POs of the requisition's service type and vendor (however
    the vendor's name was spelt), newest first, in ``base_currency``."""
    bought = (
        PurchaseOrder.service_type == requisition.service_type,
        PurchaseOrder.status.in_(BOUGHT),
        PurchaseOrder.po_number != po_number,
        PurchaseOrder.base_currency == base_currency,
    )
    key = normalised_vendor_name(requisition.vendor)
    spellings = session.scalars(select(PurchaseOrder.vendor).where(*bought).distinct()).all()
    vendors = [name for name in spellings if normalised_vendor_name(name) == key]
    if not vendors:
        return []
    rows = session.execute(
        select(PurchaseOrder.amount_base_minor, PurchaseOrder.detail["requisition"]["lines"])
        .where(*bought, PurchaseOrder.vendor.in_(vendors))
        .order_by(PurchaseOrder.updated_at.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return [_purchase(amount, lines) for amount, lines in rows if lines]


def _purchase(amount_base_minor: int, lines: list[dict[str, Any]]) -> Purchase:
    start = min(date.fromisoformat(line["service_start"]) for line in lines)
    end = max(date.fromisoformat(line["service_end"]) for line in lines)
    return Purchase.of(amount_base_minor, sum(int(line["quantity"]) for line in lines), start, end)
