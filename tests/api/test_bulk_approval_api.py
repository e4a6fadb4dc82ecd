"""Approving several low-risk POs through the JSON API: each approval goes through the PO's
workflow like a single decision, so a tier's rule (here, a required comment) still refuses it,
named; the endpoint is in the OpenAPI document."""

from collections.abc import AsyncIterator

import pytest

from tests.api import e2e
from tests.builders.policies import demo_policy, uploaded_policy

stack = e2e.stack


@pytest.fixture
async def owner_comment_required(stack: e2e.Stack) -> AsyncIterator[None]:
    """A policy version whose cost-center owner must comment on an approval."""
    document = demo_policy()
    document["tiers"][0]["comment_required"] = True
    async with uploaded_policy(stack, document, "owners comment"):
        yield


async def test_each_approval_still_passes_the_workflows_validator(
    stack: e2e.Stack, owner_comment_required: None
) -> None:
    first = await stack.submit("alex", e2e.storage_body())
    second = await stack.submit("alex", e2e.storage_body(terabytes=3))
    for number in (first, second):
        await stack.pending(number)

    bare = await stack.post("priya", "/api/inbox/approve", {"po_numbers": [first, second]})
    assert bare.status_code == 200, bare.text
    assert bare.json()["approved"] == []
    assert [(r["po_number"], r["rule"]) for r in bare.json()["refused"]] == [
        (first, "comment_required"),
        (second, "comment_required"),
    ]

    body = {"po_numbers": [first, second], "comment": "Routine storage, within budget"}
    commented = await stack.post("priya", "/api/inbox/approve", body)
    assert commented.json() == {"approved": [first, second], "refused": []}
    for number in (first, second):
        done = await stack.po_when(number, lambda po: po["status"] == "issued")
        decisions = done["detail"]["decisions"]
        assert [(d["actor"], d["comment"]) for d in decisions] == [
            ("priya", "Routine storage, within budget")
        ]


async def test_a_bulk_approval_is_refused_to_a_requester_and_checked_for_shape(
    stack: e2e.Stack,
) -> None:
    requester = await stack.post("alex", "/api/inbox/approve", {"po_numbers": ["PO-1001"]})
    assert (requester.status_code, requester.json()["rule"]) == (403, "role_required")
    empty = await stack.post("priya", "/api/inbox/approve", {"po_numbers": []})
    assert empty.status_code == 422 and "po_numbers" in empty.text


async def test_the_openapi_document_describes_bulk_approval(stack: e2e.Stack) -> None:
    document = (await stack.http.get("/openapi.json")).json()
    operation = document["paths"]["/api/inbox/approve"]["post"]
    assert "low-risk" in operation["description"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["$ref"].endswith("/BulkApprovalOut")
    refusal = document["components"]["schemas"]["BulkRefusalOut"]
    assert set(refusal["properties"]) == {"po_number", "rule", "reason"}
