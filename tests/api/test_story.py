"""The whole story through the API alone, as a new user would tell it: a EUR 120,000 SaaS
subscription handling personal data goes through the tiers the demo policy gives it; a
self-approval and a wrong-tier approval are refused with reasons; a missed deadline escalates to
the fallback; the PO issues once; and it all shows in the PO, its audit trail and Temporal's
visibility (what the Temporal UI filters on)."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.api import e2e
from tests.builders.policies import demo_policy, uploaded_policy
from tests.workflows.helpers import erp_orders

stack = e2e.stack
pytestmark = pytest.mark.slow


@pytest.fixture
async def one_minute_owner_tier(stack: e2e.Stack) -> Any:
    """A policy version whose first tier escalates after one minute, uploaded through the API."""
    document = demo_policy()
    owner_tier = document["tiers"][0]
    owner_tier.pop("deadline_hours")
    owner_tier.pop("reminder_hours")
    owner_tier.update(deadline_minutes=1, reminder_minutes=1)
    async with uploaded_policy(stack, document, "one-minute owner deadline") as version:
        yield version


async def test_a_120k_saas_subscription_with_personal_data(
    stack: e2e.Stack, one_minute_owner_tier: int
) -> None:
    body = e2e.subscription_body(
        "120000.00", pii=True, dpia_ref="DPIA-2026-14", cost_center="IT-INFRA"
    )
    number = await stack.submit("sam", body)
    po = await stack.pending(number)
    assert [tier["name"] for tier in po["detail"]["tiers"]] == [
        "cost-center owner",
        "IT leadership",
        "risk review",
        "finance",
    ]
    assert po["policy_version"] == one_minute_owner_tier
    assert await _visible_as_pending(stack, number)

    refused = await _decide(stack, "sam", number, "approve")
    assert (refused.status_code, refused.json()["rule"]) == (403, "self_approval")
    refused = await _decide(stack, "tom", number, "approve")
    assert (refused.status_code, refused.json()["rule"]) == (403, "not_entitled")
    assert "priya" in refused.json()["detail"]

    po = await stack.po_when(number, lambda p: "tom" in p["current_approvers"], seconds=120)
    inbox = (await stack.get("tom", "/api/inbox")).json()
    assert number in [item["po_number"] for item in inbox["items"]]

    for approver, branch in (
        ("priya", None),
        ("tom", None),
        ("lee", "security"),
        ("nora", "legal"),
    ):
        tier = po["current_tier"]
        response = await _decide(stack, approver, number, "approve", branch=branch)
        assert response.status_code == 200, response.text
        if branch != "security":
            po = await stack.po_when(number, _moved_past(tier))
    response = await _decide(stack, "fiona", number, "approve", comment="within FY budget")
    assert response.status_code == 200, response.text

    po = await stack.po_when(number, lambda p: p["status"] == "issued")
    with stack.sessions() as session:
        assert erp_orders(session, number) == 1
    actors = [d["actor"] for d in po["detail"]["decisions"]]
    assert actors == ["priya", "tom", "lee", "nora", "fiona"]
    trail = (await stack.get("ines", f"/api/purchase-orders/{number}/audit")).json()
    actions = [line["action"] for line in trail]
    assert "tier.escalated" in actions and actions.count("decision.approve") == 5
    assert "po.issued" in actions


def _moved_past(tier: str) -> Callable[[e2e.Json], bool]:
    return lambda po: po["current_tier"] != tier


async def _decide(stack: e2e.Stack, user: str, number: str, action: str, **fields: Any) -> Any:
    body = {"action": action, **{k: v for k, v in fields.items() if v is not None}}
    return await stack.post(user, f"/api/purchase-orders/{number}/decisions", body)


async def _visible_as_pending(stack: e2e.Stack, number: str) -> bool:
    """The PO is found by ``PoStatus="PendingApproval"`` (visibility is eventually consistent)."""
    for _ in range(50):
        found = [
            execution.id
            async for execution in stack.temporal.list_workflows(
                f'PoStatus="PendingApproval" AND PoNumber="{number}"'
            )
        ]
        if found:
            return True
        await asyncio.sleep(0.2)
    return False
