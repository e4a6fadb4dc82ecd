"""Reading POs, the inbox, and the decisions, answers and cancellations their workflows judge."""

from __future__ import annotations

from tests.api import e2e
from tests.api.e2e import Json, Stack, storage_body, subscription_body

stack = e2e.stack


async def _decide(stack: Stack, user: str, number: str, **decision: str) -> tuple[int, Json]:
    response = await stack.post(user, f"/api/purchase-orders/{number}/decisions", decision)
    return response.status_code, response.json()


async def test_a_po_is_visible_to_its_requester_and_chain_and_404_to_others(stack: Stack) -> None:
    number = await stack.submit("alex", storage_body())
    await stack.pending(number)
    for user in ("alex", "priya", "tom", "paul", "ines"):  # requester, owner, fallback, roles
        seen = await stack.get(user, f"/api/purchase-orders/{number}")
        assert seen.status_code == 200, user
        assert seen.json()["detail"]["requisition"]["requester"] == "alex"
    for user in ("sam", "lee"):
        hidden = await stack.get(user, f"/api/purchase-orders/{number}")
        assert (hidden.status_code, hidden.json()["detail"]) == (404, f"no purchase order {number}")
    assert (await stack.get("ines", "/api/purchase-orders/PO-0")).status_code == 404

    def listed(response_json: list[Json]) -> list[str]:
        return [po["po_number"] for po in response_json]

    assert number in listed((await stack.get("alex", "/api/purchase-orders")).json())
    assert number not in listed((await stack.get("sam", "/api/purchase-orders")).json())
    waiting = await stack.get(
        "ines", "/api/purchase-orders", status="pending_approval", approver="priya", limit=200
    )
    assert number in listed(waiting.json())
    elsewhere = await stack.get("ines", "/api/purchase-orders", cost_center="IT-APPS", limit=200)
    assert number not in listed(elsewhere.json())
    newest = await stack.get("ines", "/api/purchase-orders", limit=1)
    assert listed(newest.json()) == [number]


async def test_decisions_are_refused_by_the_rule_they_break(stack: Stack) -> None:
    own = await stack.submit("sam", subscription_body())  # sam owns IT-APPS: falls to tom
    await stack.pending(own)
    status, body = await _decide(stack, "sam", own, action="approve")
    assert (status, body["rule"]) == (403, "self_approval")

    number = await stack.submit("alex", storage_body())
    await stack.pending(number)
    status, body = await _decide(stack, "tom", number, action="approve")
    assert (status, body["rule"]) == (403, "not_entitled")
    assert "waits on priya" in body["detail"]
    status, body = await _decide(stack, "priya", number, action="reject")
    assert (status, body["rule"]) == (422, "comment_required")
    status, body = await _decide(stack, "tom", number, action="approve", on_behalf_of="priya")
    assert (status, body["rule"]) == (403, "delegation_not_valid")
    status, body = await _decide(stack, "ines", number, action="approve")
    assert status == 403 and "requires a role of" in body["detail"]

    status, answer = await _decide(stack, "priya", number, action="approve", comment="fine")
    assert status == 200
    # The only tier approved: the answer says so, with the status the PO has after it.
    assert answer["status"] in ("approved", "issued")
    del answer["status"]
    assert answer == {
        "po_number": number,
        "decision": "approve",
        "tier": "cost-center owner",
        "branch": "cost-center owner",
        "actor": "priya",
        "on_behalf_of": None,
        "outcome": "po_approved",
        "next": None,
    }
    issued = await stack.po_when(number, lambda po: po["status"] == "issued")
    assert issued["current_approvers"] == []
    status, body = await _decide(stack, "priya", number, action="approve")
    assert (status, body["rule"]) == (409, "not_waiting")


async def test_the_inbox_lists_what_waits_on_me_and_what_i_decided(stack: Stack) -> None:
    number = await stack.submit("alex", storage_body())
    await stack.pending(number)
    inbox = (await stack.get("priya", "/api/inbox")).json()
    item = next(i for i in inbox["items"] if i["po_number"] == number)
    assert (item["tier"], item["on_behalf_of"], item["overdue"]) == (
        "cost-center owner",
        None,
        False,
    )
    assert (item["amount_minor"], item["amount_base_minor"], item["requester"]) == (
        2100,
        2100,
        "alex",
    )
    assert number not in [
        i["po_number"] for i in (await stack.get("tom", "/api/inbox")).json()["items"]
    ]
    requester_inbox = await stack.get("alex", "/api/inbox")  # nothing waits on the requester
    assert number not in [i["po_number"] for i in requester_inbox.json()["items"]]

    status, _ = await _decide(stack, "priya", number, action="reject", comment="not this quarter")
    assert status == 200
    await stack.po_when(number, lambda po: po["status"] == "rejected")
    inbox = (await stack.get("priya", "/api/inbox")).json()
    assert number not in [i["po_number"] for i in inbox["items"]]
    latest = inbox["recently_decided"][0]
    assert (latest["po_number"], latest["decision"], latest["comment"]) == (
        number,
        "reject",
        "not this quarter",
    )


async def test_information_is_asked_of_and_answered_by_the_requester(stack: Stack) -> None:
    number = await stack.submit("alex", storage_body(terabytes=2))
    await stack.pending(number)
    status, answer = await _decide(
        stack, "priya", number, action="request_information", comment="Which builds?"
    )
    assert (status, answer["status"], answer["outcome"]) == (
        200,
        "information_requested",
        "information_requested",
    )
    assert answer["next"] == {
        "tier": "cost-center owner",
        "awaits": "answer",
        "waiting_on": ["alex"],
    }
    po = await stack.po_when(number, lambda po: po["status"] == "information_requested")
    assert po["detail"]["information_request"] == "Which builds?"
    asked = (await stack.get("alex", "/api/inbox")).json()["items"]
    assert [item["po_number"] for item in asked if item["po_number"] == number] == [number]
    status, body = await _decide(stack, "priya", number, action="approve")
    assert (status, body["rule"]) == (409, "not_waiting")
    path = f"/api/purchase-orders/{number}/information"
    assert (await stack.post("sam", path, {"answer": "mine"})).status_code == 404
    answered = await stack.post("alex", path, {"answer": "The monorepo's CI caches"})
    assert (answered.status_code, answered.json()["status"]) == (200, "pending_approval")
    await stack.pending(number)
    waiting = (await stack.get("alex", "/api/inbox")).json()["items"]
    assert number not in [item["po_number"] for item in waiting]
    again = await stack.post("alex", path, {"answer": "again"})
    assert (again.status_code, again.json()["rule"]) == (409, "not_waiting")


async def test_the_requester_cancels_and_a_cancelled_po_stays_cancelled(stack: Stack) -> None:
    number = await stack.submit("alex", storage_body())
    await stack.pending(number)
    path = f"/api/purchase-orders/{number}/cancel"
    assert (await stack.post("ines", path, {"reason": "audit"})).status_code == 403
    blank = await stack.post("alex", path, {"reason": " "})
    assert (blank.status_code, blank.json()["rule"]) == (422, "comment_required")
    cancelled = await stack.post("alex", path, {"reason": "bought elsewhere"})
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == (
        "cancelled",
        "bought elsewhere",
    )
    await stack.po_when(number, lambda po: po["status"] == "cancelled")
    again = await stack.post("paul", path, {"reason": "twice"})
    assert again.status_code == 409


async def test_a_renewal_decision_needs_an_open_renewal(stack: Stack) -> None:
    number = await stack.submit("alex", storage_body())
    await stack.pending(number)
    path = f"/api/purchase-orders/{number}/renewal"
    closed = await stack.post("alex", path, {"action": "renew", "uplift_basis_points": 300})
    assert (closed.status_code, closed.json()["rule"]) == (409, "no_renewal_open")
    assert (await stack.post("priya", path, {"action": "terminate"})).status_code == 403
