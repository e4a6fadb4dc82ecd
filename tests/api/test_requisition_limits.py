"""What the worker relies on is refused at the door: a requisition out of bounds answers 422
naming the rule and the field (never echoing the input), stores nothing and draws no PO number."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from models.purchase_orders.governance import IdempotencyKey
from tests.api import e2e
from tests.api.e2e import Json, Stack, storage_body

stack = e2e.stack


def _line(**changes: Any) -> Json:
    line: Json = storage_body()["lines"][0]
    return line | changes


def _lines(count: int) -> list[Json]:
    return [_line() for _ in range(count)]


OUT_OF_BOUNDS: list[tuple[str, Json, str, str]] = [
    ("NUL in the title", {"title": "Storage\x00"}, "text_characters", "title"),
    ("a control character", {"vendor": "North\x1bwind"}, "text_characters", "vendor"),
    ("a megabyte title", {"title": "T" * 1_000_000}, "text_length", "title"),
    (
        "an amount beyond bigint",
        {"lines": [_line(unit_price="100000000000000000000.00")]},
        "amount_in_range",
        "lines[0].unit_price_minor",
    ),
    (
        "a line total beyond the limit",
        {"lines": [_line(quantity=1_000_000, unit_price="100000000000.00")]},
        "amount_in_range",
        "lines[0].total_minor",
    ),
    (
        "quantity 10^20",
        {"lines": [_line(quantity=10**20)]},
        "quantity_in_range",
        "lines[0].quantity",
    ),
    ("an unpublished currency", {"currency": "XXX"}, "currency_known", "currency"),
    ("too many lines", {"lines": _lines(101)}, "lines_at_most", "lines"),
    (
        "NUL in a line",
        {"lines": [_line(description="disk\x00")]},
        "text_characters",
        "lines[0].description",
    ),
    ("a tab in a one-line field", {"contract": "MSA\tNW-01"}, "text_characters", "contract"),
]


@pytest.mark.parametrize(
    ("change", "rule", "field"),
    [case[1:] for case in OUT_OF_BOUNDS],
    ids=[case[0] for case in OUT_OF_BOUNDS],
)
async def test_out_of_bounds_is_refused_storing_nothing(
    stack: Stack, change: Json, rule: str, field: str
) -> None:
    before = await stack.submit("alex", storage_body())
    key = f"limits-{uuid.uuid4()}"
    refused = await stack.post("alex", "/api/requisitions", storage_body(**change), _key(key))
    assert refused.status_code == 422, refused.text
    assert (rule, field) in _rules(refused)
    assert len(refused.content) < 4_000  # the input is not sent back
    after = await stack.submit("alex", storage_body())
    assert _number(after) == _number(before) + 1  # no PO number was drawn
    with stack.sessions() as session:
        assert session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == key)) is None


async def test_multi_line_texts_keep_line_breaks_but_not_nul(stack: Stack) -> None:
    body = storage_body(sla_terms="99.9 % a month\r\n\tcredits: 10 %")
    assert (await stack.post("alex", "/api/requisitions", body)).status_code == 201
    refused = await stack.post("alex", "/api/requisitions", storage_body(sla_terms="99.9\x00"))
    assert ("text_characters", "sla_terms") in _rules(refused)


async def test_limits_keep_the_largest_requisition_far_below_temporal_payload_limit(
    stack: Stack,
) -> None:
    """Every text at its longest, in multi-byte text: refused by its size as a whole; the
    largest one taken (a hundred lines) becomes a PO the worker handles."""
    wide = "é"  # two bytes in UTF-8, six in the workflow's JSON
    lines = [_line(description=wide * 500, catalog_sku=None) for _ in range(100)]
    body = storage_body(
        title=wide * 300,
        lines=lines,
        gl_account="6100",
        sla_terms=wide * 4000,
        milestones=[wide * 500] * 10,
    )
    refused = await stack.post("alex", "/api/requisitions", body)
    assert refused.status_code == 422 and _rules(refused) == {("requisition_size", "requisition")}

    for line in lines:
        line["description"] = "Object storage, per TB-month"
    body["title"], body["milestones"] = "Storage for the archive", []
    po = await stack.pending(await stack.submit("alex", body))
    assert po["amount_minor"] == 100 * 2_100
    assert len(po["detail"]["requisition"]["lines"]) == 100


async def test_change_orders_invoices_and_call_offs_refuse_amounts_out_of_range(
    stack: Stack,
) -> None:
    number = await stack.submit("alex", storage_body())
    await stack.pending(number)
    huge = {"reason": "more", "lines": [_line(quantity=10**9, unit_price="99999999.00")]}
    change = await stack.post("alex", f"/api/purchase-orders/{number}/change-orders", huge)
    assert change.status_code == 422 and change.json()["rule"] == "amount_in_range"
    invoice = {"invoice_number": "INV\x00", "invoice_date": "2027-01-01", "amount": "1.00"}
    refused = await stack.post("fiona", f"/api/purchase-orders/{number}/invoices", invoice)
    assert ("text_characters", "invoice_number") in _rules(refused)
    too_much = {"description": "extra", "amount": "9" * 30}
    call_off = await stack.post("alex", f"/api/purchase-orders/{number}/call-offs", too_much)
    assert ("amount_in_range", "amount") in _rules(call_off)
    decision = {"action": "reject", "comment": "no\x00"}
    decided = await stack.post("priya", f"/api/purchase-orders/{number}/decisions", decision)
    assert ("text_characters", "comment") in _rules(decided)


def _rules(response: httpx.Response) -> set[tuple[str, str]]:
    assert response.status_code == 422, response.text
    body = response.json()
    return {(r["rule"], r["field"]) for r in body.get("refusals") or body["errors"]}


def _key(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


def _number(po_number: str) -> int:
    return int(po_number.removeprefix("PO-"))
