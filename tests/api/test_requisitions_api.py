"""POST /api/requisitions end to end: validated at once, numbered, started exactly once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

from sqlalchemy import select

from models.purchase_orders.governance import IdempotencyKey
from tests.api import e2e
from tests.api.e2e import Stack, storage_body, subscription_body
from tests.builders.policies import demo_policy, uploaded_policy
from tests.builders.terms import terms_body

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


async def test_a_requisition_s_terms_are_kept_and_come_back_on_the_po(stack: Stack) -> None:
    body = subscription_body()
    line = body["lines"][0]
    start, end = date.fromisoformat(line["service_start"]), date.fromisoformat(line["service_end"])
    number = await stack.submit("alex", body | {"terms": terms_body(start, end)})

    terms = (await stack.pending(number))["detail"]["requisition"]["terms"]
    assert terms["sla"] == {
        "availability_percent": "99.95",
        "response_minutes": 15,
        "resolution_minutes": 240,
        "credit_percent_per_breach": "5",
        "credit_cap_percent": "30",
        "escalation_contacts": ["Vendor duty manager, +44 20 7946 0000"],
    }
    assert [(m["name"], m["due"]) for m in terms["milestones"]] == [
        ("Go-live", start.isoformat()),
        ("Handover", end.isoformat()),
    ]
    assert terms["milestones"][1]["acceptance_criteria"] == ["documentation", "knowledge transfer"]
    assert terms["licence"] == {"metric": "users", "quantity": 60, "permitted_use": "internal use"}
    assert terms["subcontracting"]["subcontractors"] == ["Adatum Hosting"]
    assert terms["data_protection"] == {"clauses": ["dpa", "breach_notification_72h"]}

    without = await stack.submit("alex", subscription_body())
    assert (await stack.pending(without))["detail"]["requisition"]["terms"] is None


async def test_terms_breaking_a_rule_are_refused_naming_it(stack: Stack) -> None:
    body = subscription_body()
    line = body["lines"][0]
    terms = terms_body(date.fromisoformat(line["service_start"]), date(2000, 1, 1))
    terms["sla"]["availability_percent"] = "100.5"
    refused = await stack.post("alex", "/api/requisitions", body | {"terms": terms})
    assert refused.status_code == 422
    assert {(r["rule"], r["field"]) for r in refused.json()["refusals"]} == {
        ("sla_availability_in_range", "terms.sla.availability_percent"),
        ("milestone_in_service_period", "terms.milestones[1].due"),
    }

    terms["sla"]["availability_percent"] = 99.9
    as_float = await stack.post("alex", "/api/requisitions", body | {"terms": terms})
    assert as_float.status_code == 422
    assert any("a percent is sent as a string" in e["message"] for e in as_float.json()["errors"])


async def test_a_policy_requiring_a_clause_refuses_a_requisition_without_it(stack: Stack) -> None:
    document = demo_policy() | {"required_clauses": {"handles_pii": ["dpa"]}}
    with_dpia = subscription_body(pii=True, dpia_ref="DPIA-102")
    async with uploaded_policy(stack, document, "personal data needs a DPA"):
        refused = await stack.post("alex", "/api/requisitions", with_dpia)
        assert refused.status_code == 422, refused.text
        [refusal] = refused.json()["refusals"]
        assert (refusal["rule"], refusal["field"]) == (
            "clause_required",
            "terms.data_protection.clauses",
        )
        assert "handles_pii" in refusal["message"] and "dpa" in refusal["message"]

        with_dpa = with_dpia | {"terms": {"data_protection": {"clauses": ["dpa"]}}}
        await stack.submit("alex", with_dpa)
        await stack.submit("alex", subscription_body())  # no flag, no clause required
    # Back under the demo policy, which requires no clause.
    await stack.submit("alex", with_dpia)
