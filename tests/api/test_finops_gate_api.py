"""A FinOps review gate in the policy in force, end to end: a cloud requisition from the named
provider at the monthly run-rate waits, once its owner approved it, on the FinOps role's
holders, who approve it through the API; a smaller one is issued after the owner alone."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.api import e2e
from tests.builders.demo_people import only_the_demo_people
from tests.builders.policies import demo_policy, uploaded_policy

stack = e2e.stack

FINOPS_TIER = {
    "name": "finops",
    "approvers": {"role": "finops"},
    "when": [
        {
            "service_types": ["cloud_infrastructure"],
            "vendors": ["NORTHWIND CLOUD SERVICES, INC."],
            "monthly_run_rate_base_minor_at_least": 5000,  # 50.00 EUR a month
        }
    ],
}


@pytest.fixture
async def finops_gate(stack: e2e.Stack) -> AsyncIterator[None]:
    document = demo_policy()
    document["tiers"].append(FINOPS_TIER)
    with only_the_demo_people(stack.sessions):
        async with uploaded_policy(stack, document, "FinOps reviews new cloud spend"):
            yield


async def test_new_cloud_spend_over_the_run_rate_waits_on_finops(
    stack: e2e.Stack, finops_gate: None
) -> None:
    # 3 TB at 21.00 EUR over 31 days: 61.86 EUR a month; 1 TB: 20.62 EUR a month.
    large = await stack.submit("alex", e2e.storage_body(terabytes=3))
    small = await stack.submit("alex", e2e.storage_body(terabytes=1))
    for number in (large, small):
        await stack.pending(number)
        approved = await stack.post(
            "priya", f"/api/purchase-orders/{number}/decisions", {"action": "approve"}
        )
        assert approved.status_code == 200, approved.text

    gated = await stack.po_when(large, lambda po: po["current_tier"] == "finops")
    assert gated["current_approvers"] == ["olga"]
    await stack.po_when(small, lambda po: po["status"] == "issued")

    reviewed = await stack.post(
        "olga", f"/api/purchase-orders/{large}/decisions", {"action": "approve"}
    )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["outcome"] == "po_approved"
    await stack.po_when(large, lambda po: po["status"] == "issued")
