"""Approval policies over the API: read by anyone signed in, uploaded by admins and procurement
as a new version after the schema and the parser accept them."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select

from models.audit.entries import AuditEntry
from models.purchase_orders.policies import ApprovalPolicy
from models.purchase_orders.policy_schema import POLICY_SCHEMA
from tests.api import e2e
from tests.api.e2e import Stack
from tests.builders.policies import POLICY_DOCUMENT, POLICY_NAME, demo_policy

stack = e2e.stack


@pytest.fixture
def restore_policies(stack: Stack) -> Iterator[None]:
    """Remove the versions a test uploads, so later POs route by the demo policy again."""
    with stack.sessions() as session:
        before = set(session.scalars(select(ApprovalPolicy.id)))
    yield
    with stack.sessions.begin() as session:
        session.execute(delete(ApprovalPolicy).where(ApprovalPolicy.id.not_in(before)))


async def test_anyone_signed_in_reads_the_policies_and_their_schema(stack: Stack) -> None:
    listed = (await stack.get("ines", "/api/policies")).json()
    demo = next(p for p in listed if (p["name"], p["version"]) == (POLICY_NAME, 1))
    assert demo["note"] == "demo policy"
    assert (await stack.get("alex", "/api/policies/schema")).json() == POLICY_SCHEMA
    stored = await stack.get("alex", f"/api/policies/{POLICY_NAME}/versions/1")
    assert stored.json()["document"] == POLICY_DOCUMENT
    missing = await stack.get("alex", f"/api/policies/{POLICY_NAME}/versions/999")
    assert missing.status_code == 404
    assert (await stack.http.get("/api/policies")).status_code == 401


async def test_only_admins_and_procurement_upload_policies(stack: Stack) -> None:
    body = {"name": POLICY_NAME, "document": POLICY_DOCUMENT, "note": "mine"}
    for user in ("alex", "fiona", "ines", "priya"):
        refused = await stack.post(user, "/api/policies", body)
        assert refused.status_code == 403, user
        assert refused.json()["detail"] == "requires a role of: admin, procurement"


@pytest.mark.usefixtures("restore_policies")
async def test_a_document_off_the_schema_is_refused_with_every_error(stack: Stack) -> None:
    document = {"base_currency": "eur", "tiers": [], "colour": "blue"}
    refused = await stack.post("maria", "/api/policies", {"name": "broken", "document": document})
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert {error["field"] for error in errors} == {"$", "$.base_currency", "$.tiers"}
    assert any("colour" in error["message"] for error in errors)

    repeated = demo_policy()
    repeated["tiers"].append(copy.deepcopy(repeated["tiers"][0]))
    unparsable = await stack.post("paul", "/api/policies", {"name": "twice", "document": repeated})
    assert unparsable.status_code == 422
    [error] = unparsable.json()["errors"]
    assert error["field"] == "$.tiers" and "unique" in error["message"]
    names = {p["name"] for p in (await stack.get("ines", "/api/policies")).json()}
    assert not names & {"broken", "twice"}


@pytest.mark.usefixtures("restore_policies")
async def test_a_valid_document_is_stored_as_the_next_version(stack: Stack) -> None:
    listed = (await stack.get("ines", "/api/policies")).json()
    latest = max(p["version"] for p in listed if p["name"] == POLICY_NAME)
    body = {"name": POLICY_NAME, "document": POLICY_DOCUMENT, "note": "same rules, reviewed"}
    first = await stack.post("maria", "/api/policies", body)
    assert (first.status_code, first.json()) == (201, {"name": POLICY_NAME, "version": latest + 1})
    second = await stack.post("paul", "/api/policies", body | {"note": "again"})
    assert second.json() == {"name": POLICY_NAME, "version": latest + 2}

    newest = (await stack.get("ines", "/api/policies")).json()[0]
    assert (newest["name"], newest["version"], newest["note"]) == (POLICY_NAME, latest + 2, "again")
    path = f"/api/policies/{POLICY_NAME}/versions/{latest + 1}"
    stored = (await stack.get("ines", path)).json()
    assert (stored["document"], stored["note"]) == (POLICY_DOCUMENT, "same rules, reviewed")
    with stack.sessions() as session:
        audited = session.scalar(
            select(AuditEntry.actor).where(AuditEntry.entity_id == f"{POLICY_NAME} v{latest + 1}")
        )
    assert audited == "maria"


@pytest.mark.usefixtures("restore_policies")
async def test_the_spend_anomaly_escalation_section_is_refused_naming_its_field(
    stack: Stack,
) -> None:
    document = demo_policy()
    document["spend_anomaly_escalation"] = {"deadline_hours": 0, "reminder_minutes": 30}
    body = {"name": POLICY_NAME, "document": document, "note": "faster anomalies"}
    refused = await stack.post("maria", "/api/policies", body)
    assert refused.status_code == 422
    assert refused.json()["rule"] == "invalid_policy"
    [error] = refused.json()["errors"]
    assert error["field"] == "$.spend_anomaly_escalation.deadline_hours"
    assert error["message"] == "Deadline hours must be at least 1."

    document["spend_anomaly_escalation"] = {"deadline_hours": 8, "deadline_minutes": 30}
    both = await stack.post("maria", "/api/policies", body)
    assert both.status_code == 422
    [error] = both.json()["errors"]
    assert error["field"] == "$.spend_anomaly_escalation"
    assert error["message"] == "Give deadline_hours or deadline_minutes, not both."

    document["spend_anomaly_escalation"] = {"deadline_hours": 8, "reminder_hours": 2}
    stored = await stack.post("maria", "/api/policies", body)
    assert stored.status_code == 201, stored.text


@pytest.mark.usefixtures("restore_policies")
async def test_the_invoice_matching_section_is_refused_naming_its_field(stack: Stack) -> None:
    document = demo_policy()
    rule = {"vendor": "Contoso Software", "price_percent": "-2", "quantity_units": "0"}
    document["invoice_matching"] = {"tolerances": [rule]}
    body = {"name": POLICY_NAME, "document": document, "note": "invoice tolerances"}
    negative = await stack.post("maria", "/api/policies", body)
    assert negative.status_code == 422
    [error] = negative.json()["errors"]
    assert error["field"] == "$.invoice_matching.tolerances[0].price_percent"
    assert (
        error["message"]
        == 'Price percent must be a decimal of zero or more, as a string such as "2.5".'
    )

    rule.update(price_percent="2.5")
    del rule["quantity_units"]
    no_quantity_limit = await stack.post("maria", "/api/policies", body)
    assert no_quantity_limit.status_code == 422
    [error] = no_quantity_limit.json()["errors"]
    assert error["field"] == "$.invoice_matching.tolerances[0]"
    assert error["message"].startswith("give quantity_percent or quantity_units")

    rule["quantity_percent"] = "10"
    document["invoice_matching"]["three_way_service_types"] = ["hardware"]
    stored = await stack.post("maria", "/api/policies", body)
    assert stored.status_code == 201, stored.text
