"""Receipts against an issued PO: goods received, a service started, a milestone delivered, each
for part or all of one PO line. The receiver is neither the requester nor an approver of the PO
(segregation of duties); what is received per line feeds 3-way invoice matching."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.catalog import PoStatus
from domain.chain import DecisionRecord, approved_by
from domain.entitlement import Refusal
from domain.requisition import Requisition
from domain.terms.milestones import milestone_key
from domain.wording import status_words


class ReceiptKind(StrEnum):
    GOODS_RECEIVED = "goods_received"
    SERVICE_STARTED = "service_started"
    MILESTONE_DELIVERED = "milestone_delivered"


class ReceiptSource(StrEnum):
    """Where the receipt came from: a person, the ERP's goods receipt, an ITSM task closing."""

    MANUAL = "manual"
    ERP = "erp"
    ITSM = "itsm"


@dataclass(frozen=True)
class ReceiptRequest:
    """``line`` is the PO line's number, from 1; ``quantity`` part or all of its quantity."""

    actor: str
    kind: ReceiptKind
    line: int
    quantity: Decimal
    received_on: date
    milestone: str | None = None
    note: str = ""
    source: ReceiptSource = ReceiptSource.MANUAL


@dataclass(frozen=True)
class ReceiptRecord:
    number: int
    kind: ReceiptKind
    line: int
    quantity: Decimal
    received_on: date
    actor: str
    recorded_at: datetime
    milestone: str | None = None
    note: str = ""
    source: ReceiptSource = ReceiptSource.MANUAL


def receipt_refusal(
    status: PoStatus,
    request: ReceiptRequest,
    requisition: Requisition,
    decisions: list[DecisionRecord],
    receipts: list[ReceiptRecord],
    today: date,
) -> Refusal | None:
    """The first rule a receipt breaks, or None. Its receiver is neither the requester nor
    anyone who approved the PO (or was acted for in an approval)."""
    if status is not PoStatus.ISSUED:
        return Refusal("not_issued", f"a {status_words(status)} purchase order takes no receipt")
    if request.actor == requisition.requester or request.actor in approved_by(decisions):
        return Refusal(
            "segregation_of_duties",
            f"{request.actor} requested or approved this purchase order and may not receive "
            "against it",
        )
    if not 1 <= request.line <= len(requisition.lines):
        return Refusal("unknown_line", f"this purchase order has no line {request.line}")
    if not request.quantity.is_finite() or request.quantity <= 0:
        return Refusal("invalid_quantity", "a received quantity must be positive")
    if request.received_on > today:
        return Refusal("received_in_future", f"{request.received_on} is after today")
    return _milestone_refusal(request, requisition) or _over_receipt(request, requisition, receipts)


def received_quantities(receipts: list[ReceiptRecord]) -> dict[int, Decimal]:
    """The quantity received so far per PO line number (lines with no receipt left out)."""
    received: dict[int, Decimal] = {}
    for receipt in receipts:
        received[receipt.line] = received.get(receipt.line, Decimal(0)) + receipt.quantity
    return received


def received_quantity(receipts: list[ReceiptRecord], line: int) -> Decimal | None:
    """What has been received of PO line ``line``; None when nothing has (as matching reads it)."""
    return received_quantities(receipts).get(line)


def _milestone_refusal(request: ReceiptRequest, requisition: Requisition) -> Refusal | None:
    milestone = (request.milestone or "").strip()
    if not milestone:
        return None
    if request.kind is not ReceiptKind.MILESTONE_DELIVERED:
        return Refusal("invalid_milestone", "only a milestone delivered names a milestone")
    named = _milestone_names(requisition)
    if named and milestone_key(milestone) not in named:
        return Refusal(
            "invalid_milestone", f"{milestone} is not a milestone of this purchase order"
        )
    return None


def _milestone_names(requisition: Requisition) -> set[str]:
    """The PO's milestones, those of its terms and those written as text, as keys."""
    terms = requisition.terms.milestones if requisition.terms is not None else ()
    written = (*requisition.milestones, *(milestone.name for milestone in terms))
    return {milestone_key(name) for name in written}


def _over_receipt(
    request: ReceiptRequest, requisition: Requisition, receipts: list[ReceiptRecord]
) -> Refusal | None:
    ordered = requisition.lines[request.line - 1].quantity
    before = received_quantity(receipts, request.line) or Decimal(0)
    if before + request.quantity > ordered:
        return Refusal(
            "over_receipt",
            f"line {request.line} ordered {ordered}, {before} received before: "
            f"{request.quantity} more is above the order",
        )
    return None
