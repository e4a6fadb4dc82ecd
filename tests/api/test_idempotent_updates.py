"""A decision or other PO update sent again with its ``Idempotency-Key`` (after a dropped
connection or a 500) answers with the first outcome and changes nothing twice; a requisition key
sent with another requisition is refused."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from models.purchase_orders.governance import IdempotencyKey
from tests.api import e2e
from tests.api.e2e import Stack, storage_body, subscription_body

stack = e2e.stack


def _key() -> dict[str, str]:
    return {"Idempotency-Key": f"resend-{uuid.uuid4()}"}


async def test_a_resent_approval_answers_that_it_counted(stack: Stack) -> None:
    number = await stack.submit("alex", storage_body())
    await stack.pending(number)
    path, key = f"/api/purchase-orders/{number}/decisions", _key()
    approve = {"action": "approve", "comment": "within budget"}
    first = await stack.post("priya", path, approve, key)
    assert first.status_code == 200, first.text

    again = await stack.post("priya", path, approve, key)
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    issued = await stack.po_when(number, lambda po: po["status"] == "issued")
    assert [d["actor"] for d in issued["detail"]["decisions"]] == ["priya"]

    # Without the key, or with someone else's, it is a new decision, judged as such.
    fresh = await stack.post("priya", path, approve)
    assert (fresh.status_code, fresh.json()["rule"]) == (409, "not_waiting")
    other = await stack.post("tom", path, approve, key)
    assert (other.status_code, other.json()["rule"]) == (409, "not_waiting")


async def test_a_resent_refusal_is_judged_again_and_a_key_is_per_update(stack: Stack) -> None:
    number = await stack.submit("alex", storage_body())
    await stack.pending(number)
    path, key = f"/api/purchase-orders/{number}/decisions", _key()
    refused = await stack.post("priya", path, {"action": "reject"}, key)
    assert (refused.status_code, refused.json()["rule"]) == (422, "comment_required")
    # A refused update was never recorded: the same key with the comment now counts.
    rejected = await stack.post("priya", path, {"action": "reject", "comment": "not now"}, key)
    assert rejected.status_code == 200, rejected.text
    await stack.po_when(number, lambda po: po["status"] == "rejected")


async def test_a_resent_cancellation_answers_with_the_cancelled_po(stack: Stack) -> None:
    number = await stack.submit("alex", storage_body())
    await stack.pending(number)
    path, key = f"/api/purchase-orders/{number}/cancel", _key()
    first = await stack.post("alex", path, {"reason": "bought elsewhere"}, key)
    assert first.status_code == 200 and first.json()["status"] == "cancelled"
    again = await stack.post("alex", path, {"reason": "bought elsewhere"}, key)
    assert again.status_code == 200 and again.json() == first.json()


async def test_a_requisition_key_sent_with_another_requisition_is_refused(stack: Stack) -> None:
    key = _key()
    first = await stack.post("alex", "/api/requisitions", storage_body(), key)
    assert first.status_code == 201
    number = first.json()["po_number"]
    same = await stack.post("alex", "/api/requisitions", storage_body(), key)
    assert (same.status_code, same.json()["po_number"]) == (200, number)

    other = await stack.post("alex", "/api/requisitions", storage_body(terabytes=3), key)
    assert other.status_code == 422, other.text
    assert other.json()["rule"] == "idempotency_key_reused"
    assert [r["rule"] for r in other.json()["refusals"]] == ["idempotency_key_reused"]
    next_one = await stack.submit("alex", subscription_body())
    assert int(next_one.removeprefix("PO-")) == int(number.removeprefix("PO-")) + 1
    with stack.sessions() as session:
        stored = session.scalars(
            select(IdempotencyKey).where(IdempotencyKey.key == key["Idempotency-Key"])
        ).all()
    assert [row.po_number for row in stored] == [number]
