"""ERP status events over real HTTP on loopback: the ERP simulator's signed webhook reaches a
receiver, a tampered delivery fails verification, and polling the feed with a cursor returns
each event once, in order. Also the REST ERP's order body carrying project, asset and tax."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from adapters.erp_events import SIGNATURE_HEADER, parse_event, signature_valid
from adapters.erp_rest import RestErp
from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.erp import ErpBook, erp_simulator_app
from domain.erp_messages import ErpOrder

TOKEN = "erp-test-token"
SECRET = "webhook-secret"
Delivery = tuple[bytes, str | None]


@pytest.fixture
def erp() -> Iterator[tuple[ErpBook, RestErp]]:
    book = ErpBook(token=TOKEN)
    sock = loopback_socket()
    with served(erp_simulator_app(book), sock):
        yield book, RestErp(f"{url_of(sock)}/api/v1", TOKEN)


@pytest.fixture
def receiver() -> Iterator[tuple[list[Delivery], str]]:
    """A webhook endpoint that records each delivery's raw body and signature header."""
    received: list[Delivery] = []
    app = FastAPI()

    @app.post("/erp/events")
    async def deliver(request: Request) -> dict[str, str]:
        received.append((await request.body(), request.headers.get(SIGNATURE_HEADER)))
        return {"status": "received"}

    sock = loopback_socket()
    with served(app, sock):
        yield received, f"{url_of(sock)}/erp/events"


def _order(po_number: str = "PO-7001") -> ErpOrder:
    lines = [{"description": "Laptop", "quantity": 2, "unit_price_minor": 150_000}]
    return ErpOrder(
        f"{po_number}:1", po_number, 1, "Contoso Hardware", "EUR", 300_000, "IT-OPS", "6120",
        lines, project="PRJ-42", asset_tag="AT-0042", tax_code="VAT19",
    )  # fmt: skip


def test_a_status_change_reaches_the_receiver_signed(
    erp: tuple[ErpBook, RestErp], receiver: tuple[list[Delivery], str]
) -> None:
    book, adapter = erp
    received, callback_url = receiver
    book.callback_url, book.callback_secret = callback_url, SECRET
    reference = adapter.create_purchase_order(_order()).erp_reference
    book.advance(reference, "acknowledged")
    [(body, signature)] = received
    assert signature_valid(body, signature, SECRET)
    event = parse_event(json.loads(body))
    assert (event.erp_reference, event.po_number, event.status) == (
        reference, "PO-7001", "acknowledged",
    )  # fmt: skip
    assert adapter.cancel_purchase_order(reference) == "cancelled"
    assert [parse_event(json.loads(body)).status for body, _ in received] == [
        "acknowledged", "cancelled",
    ]  # fmt: skip


def test_a_tampered_or_unsigned_delivery_fails_verification(
    erp: tuple[ErpBook, RestErp], receiver: tuple[list[Delivery], str]
) -> None:
    book, adapter = erp
    received, callback_url = receiver
    book.callback_url, book.callback_secret = callback_url, SECRET
    book.advance(adapter.create_purchase_order(_order()).erp_reference, "received")
    [(body, signature)] = received
    assert not signature_valid(body.replace(b"received", b"invoiced"), signature, SECRET)
    assert not signature_valid(body, signature, "another-secret")
    assert not signature_valid(body, None, SECRET)
    assert not signature_valid(body, "sha256=" + "0" * 64, SECRET)


def test_polling_returns_each_event_once_in_order(erp: tuple[ErpBook, RestErp]) -> None:
    book, adapter = erp
    first = adapter.create_purchase_order(_order("PO-7001")).erp_reference
    second = adapter.create_purchase_order(_order("PO-7002")).erp_reference
    book.advance(first, "acknowledged")
    book.advance(second, "acknowledged")
    book.advance(first, "received")
    events, cursor = adapter.events_after(None)
    assert [(e.erp_reference, e.po_number, e.status) for e in events] == [
        (first, "PO-7001", "acknowledged"),
        (second, "PO-7002", "acknowledged"),
        (first, "PO-7001", "received"),
    ]
    assert cursor == events[-1].event_id
    book.advance(first, "invoiced")
    newer, later = adapter.events_after(cursor)
    assert [(e.erp_reference, e.status) for e in newer] == [(first, "invoiced")]
    assert adapter.events_after(later) == ([], later)
    assert [e.status for e in adapter.events_of(first)] == ["acknowledged", "received", "invoiced"]


def test_an_unknown_cursor_is_refused_rather_than_replaying_the_feed(
    erp: tuple[ErpBook, RestErp],
) -> None:
    _, adapter = erp
    with pytest.raises(httpx.HTTPStatusError) as refused:
        adapter.events_after("EVT-999999")
    assert refused.value.response.status_code == 404


def test_an_undelivered_event_stays_in_the_feed(erp: tuple[ErpBook, RestErp]) -> None:
    book, adapter = erp
    closed = loopback_socket()  # bound, never listening: the delivery is refused
    book.callback_url, book.callback_secret = f"{url_of(closed)}/erp/events", SECRET
    reference = adapter.create_purchase_order(_order()).erp_reference
    event = book.advance(reference, "acknowledged")
    closed.close()
    assert book.undelivered == [event["event_id"]]
    events, _ = adapter.events_after(None)
    assert [e.event_id for e in events] == [event["event_id"]]


def _event(**changes: Any) -> dict[str, Any]:
    event = {
        "event_id": "EVT-000001", "erp_reference": "ERP-PO-50001", "po_number": "PO-7001",
        "status": "invoiced", "occurred_at": "2025-03-01T09:30:00+00:00",
    }  # fmt: skip
    event.update(changes)
    return {name: value for name, value in event.items() if value is not None}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"event_id": None}, "event_id"),
        ({"erp_reference": ""}, "erp_reference"),
        ({"po_number": 7001}, "po_number"),
        ({"status": "shipped"}, "status"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2025-03-01T09:30:00"}, "occurred_at"),
        ({"detail": ["late"]}, "detail"),
    ],
)
def test_an_event_with_a_missing_or_invalid_field_is_refused_by_name(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValueError, match=field):
        parse_event(_event(**changes))
    assert parse_event(_event(detail="two of three delivered")).status == "invoiced"


def test_the_rest_order_carries_project_asset_and_tax(erp: tuple[ErpBook, RestErp]) -> None:
    book, adapter = erp
    stored = book.orders[adapter.create_purchase_order(_order()).erp_reference]
    assert (stored["project"], stored["asset_tag"], stored["tax_code"]) == (
        "PRJ-42", "AT-0042", "VAT19",
    )  # fmt: skip
