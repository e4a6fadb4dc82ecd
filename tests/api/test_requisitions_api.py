"""POST /api/requisitions end to end: validated at once, numbered, started exactly once."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select

from models.purchase_orders.governance import IdempotencyKey
from tests.api import e2e
from tests.api.e2e import Stack, storage_body, subscription_body

stack = e2e.stack


async def test_a_requisition_becomes_a_po_and_a_repeated_key_starts_nothing(stack: Stack) -> None:
    key = {"Idempotency-Key": f"order-{uuid.uuid4()}"}
    first = await stack.post("alex", "/api/requisitions", storage_body(), key)
    assert first.status_code == 201, first.text
    created = first.json()
    number = created["po_number"]
    assert created == {"po_number": number, "workflow_id": f"po-{number}", "status": "validating"}

    again = await stack.post("alex", "/api/requisitions", storage_body(), key)
    assert again.status_code == 200 and again.json()["po_number"] == number

    po = await stack.pending(number)
    assert (po["requester"], po["current_approvers"]) == ("alex", ["priya"])
    assert (po["amount_minor"], po["currency"]) == (2_100, "EUR")
    assert po["detail"]["requisition"]["lines"][0]["unit_price_minor"] == 2_100
    runs = [run async for run in stack.temporal.list_workflows(f"WorkflowId = 'po-{number}'")]
    assert len(runs) == 1
    later = await stack.post("alex", "/api/requisitions", storage_body(), key)
    assert (later.status_code, later.json()["status"]) == (200, "pending_approval")

    # The key is the caller's own: another requester using it raises a PO of their own.
    other = await stack.post("sam", "/api/requisitions", subscription_body(), key)
    assert other.status_code == 201 and other.json()["po_number"] != number


async def test_two_racing_requests_with_one_key_make_one_po(stack: Stack) -> None:
    key = {"Idempotency-Key": f"race-{uuid.uuid4()}"}
    answers = await asyncio.gather(
        *(stack.post("alex", "/api/requisitions", storage_body(), key) for _ in range(3))
    )
    assert sorted(answer.status_code for answer in answers) == [200, 200, 201]
    numbers = {answer.json()["po_number"] for answer in answers}
    assert len(numbers) == 1
    number = numbers.pop()
    await stack.pending(number)
    runs = [run async for run in stack.temporal.list_workflows(f"WorkflowId = 'po-{number}'")]
    assert len(runs) == 1


async def test_a_refusal_names_every_failed_rule_and_stores_nothing(stack: Stack) -> None:
    key = f"refused-{uuid.uuid4()}"
    blocked = await stack.post(
        "alex",
        "/api/requisitions",
        storage_body(vendor="Litware Security"),
        {"Idempotency-Key": key},
    )
    assert blocked.status_code == 422
    assert blocked.json()["detail"] == "requisition refused"
    refusals = {r["rule"]: r for r in blocked.json()["refusals"]}
    assert refusals["vendor_approved"]["field"] == "vendor"
    assert "blocked" in refusals["vendor_approved"]["message"]
    assert "msa_of_vendor" in refusals

    no_dpia = await stack.post("alex", "/api/requisitions", subscription_body(pii=True))
    assert no_dpia.status_code == 422
    assert [(r["rule"], r["field"]) for r in no_dpia.json()["refusals"]] == [
        ("dpia_present", "dpia_ref")
    ]
    with_dpia = subscription_body(pii=True, dpia_ref="DPIA-101")
    assert (await stack.post("alex", "/api/requisitions", with_dpia)).status_code == 201

    with stack.sessions() as session:
        stored = session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == key))
    assert stored is None


async def test_money_is_refused_unless_it_is_a_decimal_string(stack: Stack) -> None:
    body = storage_body()
    body["lines"][0]["unit_price"] = 21.0
    as_float = await stack.post("alex", "/api/requisitions", body)
    assert as_float.status_code == 422
    assert any("money is sent as a string" in e["message"] for e in as_float.json()["errors"])

    body["lines"][0]["unit_price"] = "21.005"
    too_precise = await stack.post("alex", "/api/requisitions", body)
    assert too_precise.status_code == 422
    assert "more decimals than EUR allows" in too_precise.text

    extra_field = storage_body(requester="priya")
    assert (await stack.post("alex", "/api/requisitions", extra_field)).status_code == 422


async def test_only_requesters_raise_requisitions(stack: Stack) -> None:
    refused = await stack.post("priya", "/api/requisitions", storage_body())
    assert refused.status_code == 403
    assert refused.json()["detail"] == "requires a role of: requester"
    anonymous = await stack.http.post("/api/requisitions", json=storage_body())
    assert anonymous.status_code == 401
