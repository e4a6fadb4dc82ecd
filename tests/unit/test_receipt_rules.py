"""Receipts against an issued PO: who may receive (segregation of duties), what may be received
(a line of the PO, never above its quantity), and the quantity received per line for matching."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from domain.catalog import Decision, PoStatus
from domain.chain import DecisionRecord
from domain.receipts import (
    ReceiptKind,
    ReceiptRecord,
    ReceiptRequest,
    receipt_refusal,
    received_quantities,
    received_quantity,
)
from domain.requisition import Requisition
from domain.terms.milestones import Milestone
from domain.terms.po_terms import PoTerms
from tests.builders.requisitions import laptops

TODAY = date(2026, 12, 8)
AT = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _ten_laptops() -> Requisition:
    return laptops(10)  # requested by alex, one line of 10


def _approved(actor: str, on_behalf_of: str | None = None) -> DecisionRecord:
    return DecisionRecord("owner", "owner", actor, Decision.APPROVE, AT, on_behalf_of=on_behalf_of)


def _receive(actor: str, quantity: str, line: int = 1, **changes: Any) -> ReceiptRequest:
    request = ReceiptRequest(actor, ReceiptKind.GOODS_RECEIVED, line, Decimal(quantity), TODAY)
    return replace(request, **changes)


def _kept(request: ReceiptRequest, number: int) -> ReceiptRecord:
    return ReceiptRecord(
        number, request.kind, request.line, request.quantity, request.received_on, "paul", AT
    )


def _rule(
    request: ReceiptRequest,
    *,
    decisions: list[DecisionRecord] | None = None,
    receipts: list[ReceiptRecord] | None = None,
    status: PoStatus = PoStatus.ISSUED,
    requisition: Requisition | None = None,
) -> str | None:
    refused = receipt_refusal(
        status,
        request,
        requisition or _ten_laptops(),
        decisions or [_approved("priya"), _approved("fiona", on_behalf_of="tom")],
        receipts or [],
        TODAY,
    )
    return refused.rule if refused else None


def test_a_third_person_receives_part_of_a_line() -> None:
    assert _rule(_receive("paul", "4")) is None


@pytest.mark.parametrize(
    ("receiver", "why"),
    [
        ("alex", "the requester"),
        ("priya", "an approver"),
        ("fiona", "approved on behalf of tom"),
        ("tom", "was acted for in an approval"),
    ],
)
def test_the_requester_and_everyone_in_an_approval_may_not_receive(receiver: str, why: str) -> None:
    assert _rule(_receive(receiver, "1")) == "segregation_of_duties", why


def test_one_who_only_asked_for_information_may_receive() -> None:
    asked = DecisionRecord("legal", "legal", "nora", Decision.REQUEST_INFORMATION, AT)
    assert _rule(_receive("nora", "1"), decisions=[_approved("priya"), asked]) is None


def test_partial_receipts_add_up_to_the_ordered_quantity_and_no_further() -> None:
    first = _receive("paul", "4")
    second = _receive("felix", "5.5", kind=ReceiptKind.SERVICE_STARTED)
    kept = [_kept(first, 1), _kept(second, 2)]
    assert received_quantities(kept) == {1: Decimal("9.5")}
    assert _rule(_receive("paul", "0.5"), receipts=kept) is None
    assert _rule(_receive("paul", "0.75"), receipts=kept) == "over_receipt"


def test_one_receipt_above_the_ordered_quantity_is_an_over_receipt() -> None:
    refused = receipt_refusal(
        PoStatus.ISSUED, _receive("paul", "11"), _ten_laptops(), [], [], TODAY
    )
    assert refused is not None and refused.rule == "over_receipt"
    assert "ordered 10" in refused.message


def test_received_quantity_per_line_is_none_for_a_line_not_received() -> None:
    two_lines = replace(
        _ten_laptops(), lines=(*_ten_laptops().lines, replace(_ten_laptops().lines[0], quantity=3))
    )
    kept = [_kept(_receive("paul", "3", line=2), 1)]
    assert _rule(_receive("paul", "1", line=2), receipts=kept, requisition=two_lines) == (
        "over_receipt"
    )
    assert _rule(_receive("paul", "10", line=1), receipts=kept, requisition=two_lines) is None
    assert received_quantity(kept, 2) == Decimal(3)
    assert received_quantity(kept, 1) is None


@pytest.mark.parametrize(
    ("request_", "rule"),
    [
        (_receive("paul", "1", line=2), "unknown_line"),
        (_receive("paul", "1", line=0), "unknown_line"),
        (_receive("paul", "0"), "invalid_quantity"),
        (_receive("paul", "-1"), "invalid_quantity"),
        (_receive("paul", "NaN"), "invalid_quantity"),
        (_receive("paul", "1", received_on=date(2026, 12, 9)), "received_in_future"),
        (_receive("paul", "1", milestone="Go-live"), "invalid_milestone"),
    ],
)
def test_what_is_not_a_receipt_of_this_po(request_: ReceiptRequest, rule: str) -> None:
    assert _rule(request_) == rule


def test_a_delivered_milestone_is_one_the_po_names() -> None:
    phased = replace(_ten_laptops(), milestones=("Design", "Go-live"))
    delivered = _receive("paul", "1", kind=ReceiptKind.MILESTONE_DELIVERED)
    assert _rule(replace(delivered, milestone="Go-live"), requisition=phased) is None
    assert _rule(replace(delivered, milestone="Hypercare"), requisition=phased) == (
        "invalid_milestone"
    )


def test_a_milestone_of_the_po_s_terms_may_be_delivered_beside_those_written_as_text() -> None:
    cut_over = Milestone("Cut-over", date(2026, 6, 1), ("knowledge transfer",))
    phased = replace(_ten_laptops(), milestones=("Design",), terms=PoTerms(milestones=(cut_over,)))
    delivered = _receive("paul", "1", kind=ReceiptKind.MILESTONE_DELIVERED)
    for name in ("Design", "Cut-over", " cut-over "):
        assert _rule(replace(delivered, milestone=name), requisition=phased) is None
    assert _rule(replace(delivered, milestone="Hypercare"), requisition=phased) == (
        "invalid_milestone"
    )


@pytest.mark.parametrize("status", [PoStatus.PENDING_APPROVAL, PoStatus.CLOSED])
def test_only_an_issued_po_takes_a_receipt(status: PoStatus) -> None:
    assert _rule(_receive("paul", "1"), status=status) == "not_issued"
