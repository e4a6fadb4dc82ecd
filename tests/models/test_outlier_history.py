"""The history an outlier check reads: POs bought (approved, issued, closed) of the
requisition's service type from its vendor however its name is spelt, in the base currency;
never refused, rejected, cancelled or pending ones, another service type, nor the PO itself."""

import uuid
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from domain.catalog import PoStatus, ServiceType
from domain.outliers import Purchase
from domain.purchase_order import PoView
from domain.requisition import LineItem, Requisition
from models.purchase_orders.outlier_history import outlier_check, purchase_history
from models.purchase_orders.records import PurchaseOrder, view_document
from tests.builders.requisitions import requisition

START = date(2027, 3, 1)
NOT_BOUGHT = (PoStatus.REJECTED, PoStatus.CANCELLED, PoStatus.REFUSED, PoStatus.PENDING_APPROVAL)


def _days(vendor: str, day_rate_minor: int, days: int = 1) -> Requisition:
    line = LineItem("architect day", days, day_rate_minor, START, date(2027, 3, days))
    return replace(
        requisition(ServiceType.PROFESSIONAL_SERVICES),
        vendor=vendor,
        lines=(line,),
    )


def _po(session: Session, wanted: Requisition, status: PoStatus, base: str = "EUR") -> str:
    number = f"PO-OUT-{uuid.uuid4().hex[:10]}"
    view = PoView(number, 1, status, wanted, amount_base_minor=wanted.amount().minor)
    session.add(
        PurchaseOrder(
            po_number=number,
            workflow_id=f"po-{number}",
            status=status,
            title=wanted.title,
            requester=wanted.requester,
            cost_center=wanted.cost_center,
            vendor=wanted.vendor,
            service_type=wanted.service_type,
            amount_minor=wanted.amount().minor,
            currency=wanted.currency,
            amount_base_minor=wanted.amount().minor,
            base_currency=base,
            current_approvers=[],
            detail=view_document(view),
        )
    )
    session.flush()
    return number


def test_the_history_holds_the_bought_pos_of_the_vendor_however_spelt(session: Session) -> None:
    vendor = f"Outlier Consulting {uuid.uuid4().hex[:8]}"
    bought = [PoStatus.APPROVED, PoStatus.ISSUED, PoStatus.CLOSED, PoStatus.ISSUED]
    for n, status in enumerate(bought):
        _po(session, _days(vendor, 130_000 + n * 1_000, days=2), status)
    _po(session, _days(vendor.upper() + ", GmbH", 140_000, days=2), PoStatus.ISSUED)
    for status in NOT_BOUGHT:
        _po(session, _days(vendor, 990_000), status)
    hardware = replace(_days(vendor, 990_000), service_type=ServiceType.HARDWARE)
    _po(session, hardware, PoStatus.ISSUED)
    _po(session, _days(vendor, 990_000), PoStatus.ISSUED, base="USD")
    itself = _po(session, _days(vendor, 990_000), PoStatus.ISSUED)

    history = purchase_history(session, _days(vendor, 990_000), itself, "EUR")

    assert sorted(p.unit_price_base_minor for p in history) == [
        130_000,
        131_000,
        132_000,
        133_000,
        140_000,
    ]
    assert all(
        p == Purchase(2 * p.unit_price_base_minor, p.unit_price_base_minor, 2) for p in history
    )


def test_a_requisition_is_scored_against_that_history(session: Session) -> None:
    vendor = f"Outlier Consulting {uuid.uuid4().hex[:8]}"
    for rate in (130_000, 135_000, 135_000, 138_000, 140_000):
        _po(session, _days(vendor, rate), PoStatus.ISSUED)
    outlier = _days(vendor, 950_000)
    check = outlier_check(session, outlier, "PO-NEW", outlier.amount().minor, "EUR")
    assert check.score is not None and check.score >= 4
    assert check.reason.startswith("unit price 9,500.00 EUR is ")
    assert check.reason.endswith(f"the median 1,350.00 EUR of 5 {vendor} professional services POs")
