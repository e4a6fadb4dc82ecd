"""Cost sources through the API: finance configures a source once (mapping checked against the
FOCUS catalogue, quality actions against the rules, owners and account mappings against what
exists), others read it or are refused, and a refused setting stores nothing."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio.testing import WorkflowEnvironment

from domain.catalog import VendorStatus
from models import AuditEntry
from models.vendors.records import Contract, Vendor
from tests.api.costs.costs_app import CostsApi, costs_api
from workflows.costs.schedules import refresh_schedule_id

__all__ = ["costs_api"]
PATH = "/api/costs/sources"


def telecom(name: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "format": "csv",
        "provider": "Telecom Co",
        "billing_accounts": ["T-100"],
        "base_currency": "EUR",
        "refresh_cycle_hours": 24,
        "latency_threshold_hours": 96,
        "column_mapping": {
            "BilledCost": "Amount",
            "ChargePeriodStart": "Date",
            "BillingAccountId": "Account",
        },
        "constants": {"BillingCurrency": "EUR", "ProviderName": "Telecom Co"},
        "quality_actions": {"zero_cost": "quarantine"},
        "location": {"kind": "folder", "path": "/srv/costs/telecom"},
    }
    return {**body, **changes}


def a_name() -> str:
    return f"telecom-{uuid.uuid4().hex[:8]}"


def test_finance_configures_a_source_and_readers_see_it(
    costs_api: CostsApi, session: Session
) -> None:
    client, finance = costs_api.client, costs_api.auth(costs_api.finance)
    name = a_name()
    body = telecom(name, owners=[costs_api.finance])
    created = client.post(PATH, json=body, headers=finance)
    assert created.status_code == 201, created.text
    assert created.json()["column_mapping"]["BilledCost"] == "Amount"
    assert created.json()["owners"] == [costs_api.finance]
    changed = client.put(
        f"{PATH}/{name}", json=telecom(name, latency_threshold_hours=48), headers=finance
    )
    assert changed.status_code == 200, changed.text
    read = client.get(f"{PATH}/{name}", headers=finance).json()
    assert read["latency_threshold_hours"] == 48
    assert read["quality_actions"] == {"zero_cost": "quarantine"}
    listed = {s["name"]: s for s in client.get(PATH, headers=finance).json()}
    assert listed[name]["last_load_status"] is None and listed[name]["stale"] is False
    audit = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == name).order_by(AuditEntry.sequence)
    )
    assert list(audit) == ["cost_source.created", "cost_source.changed"]


def test_others_may_not_configure_or_read_sources(costs_api: CostsApi) -> None:
    client, requester = costs_api.client, costs_api.auth(costs_api.requester)
    refused = client.post(PATH, json=telecom(a_name()), headers=requester)
    assert refused.status_code == 403 and refused.json()["rule"] == "role_required"
    assert client.get(PATH, headers=requester).status_code == 403
    assert client.get(PATH).status_code == 401


def refusal(costs_api: CostsApi, body: dict[str, Any]) -> dict[str, Any]:
    answer = costs_api.client.post(PATH, json=body, headers=costs_api.auth(costs_api.finance))
    assert answer.status_code == 422, answer.text
    listed = costs_api.client.get(PATH, headers=costs_api.auth(costs_api.finance)).json()
    assert body["name"] not in {s["name"] for s in listed}
    problem: dict[str, Any] = answer.json()
    return problem


def test_a_mapping_to_a_column_focus_does_not_have_is_refused_naming_it(
    costs_api: CostsApi,
) -> None:
    mapping = {"BilledCost": "Amount", "InvoiceTotal": "Total"}
    problem = refusal(costs_api, telecom(a_name(), column_mapping=mapping))
    assert problem["rule"] == "unknown_column" and "InvoiceTotal" in problem["detail"]


def test_unknown_quality_rules_formats_and_owners_are_refused(costs_api: CostsApi) -> None:
    rule = refusal(costs_api, telecom(a_name(), quality_actions={"too_expensive": "quarantine"}))
    assert rule["rule"] == "unknown_quality_rule" and "too_expensive" in rule["detail"]
    action = refusal(costs_api, telecom(a_name(), quality_actions={"zero_cost": "drop"}))
    assert action["rule"] == "unknown_action"
    fmt = refusal(costs_api, telecom(a_name(), format="excel"))
    assert fmt["rule"] == "unknown_format" and "aws-cur" in fmt["detail"]
    owner = refusal(costs_api, telecom(a_name(), owners=["nobody-here"]))
    assert owner["rule"] == "unknown_user" and "nobody-here" in owner["detail"]
    place = refusal(costs_api, telecom(a_name(), location={"kind": "s3"}))
    assert place["rule"] == "invalid_location" and "bucket" in place["detail"]


def test_a_name_taken_is_a_conflict_and_a_missing_source_is_not_found(
    costs_api: CostsApi,
) -> None:
    client, finance = costs_api.client, costs_api.auth(costs_api.finance)
    name = a_name()
    assert client.post(PATH, json=telecom(name), headers=finance).status_code == 201
    again = client.post(PATH, json=telecom(name), headers=finance)
    assert again.status_code == 409 and again.json()["rule"] == "source_exists"
    missing = client.put(f"{PATH}/no-such-source", json=telecom("x"), headers=finance)
    assert missing.status_code == 404


def test_accounts_map_to_existing_cost_centers_only(costs_api: CostsApi) -> None:
    client, finance, org = costs_api.client, costs_api.auth(costs_api.finance), costs_api.org
    name = a_name()
    client.post(PATH, json=telecom(name), headers=finance)
    good = {"account_id": "T-100", "cost_center": org.child, "gl_account": org.gl1}
    sub = {**good, "account_kind": "sub_account", "account_id": "line-7", "po_number": "PO-9"}
    put = client.put(f"{PATH}/{name}/mappings", json=[good, sub], headers=finance)
    assert put.status_code == 200, put.text
    bad = {**good, "account_id": "T-200", "cost_center": "NO-SUCH-CC"}
    refused = client.put(f"{PATH}/{name}/mappings", json=[good, bad], headers=finance)
    assert refused.status_code == 422 and refused.json()["rule"] == "unknown_cost_center"
    assert "NO-SUCH-CC" in refused.json()["detail"]
    kept = client.get(f"{PATH}/{name}/mappings", headers=finance).json()
    assert [(m["account_id"], m["po_number"]) for m in kept] == [
        ("T-100", None),
        ("line-7", "PO-9"),
    ]


def test_invoice_totals_are_entered_per_invoice_exactly(costs_api: CostsApi) -> None:
    client, finance = costs_api.client, costs_api.auth(costs_api.finance)
    name = a_name()
    client.post(PATH, json=telecom(name), headers=finance)
    invoice = {
        "invoice_id": "INV-1",
        "billing_period": "2024-09",
        "currency": "EUR",
        "total": "1234.5678901234",
        "tax": "205.76",
    }
    assert client.post(f"{PATH}/{name}/invoices", json=invoice, headers=finance).status_code == 201
    corrected = {**invoice, "total": "1234.5678901235"}
    totals = client.post(f"{PATH}/{name}/invoices", json=corrected, headers=finance).json()
    assert [(t["invoice_id"], t["total"], t["billing_period"]) for t in totals] == [
        ("INV-1", "1234.5678901235", "2024-09")
    ]
    as_float = client.post(
        f"{PATH}/{name}/invoices", json={**invoice, "total": 12.5}, headers=finance
    )
    assert as_float.status_code == 422


async def test_a_source_gets_its_refresh_schedule_at_its_cycle(
    costs_api: CostsApi, temporal_env: WorkflowEnvironment
) -> None:
    client, finance = costs_api.client, costs_api.auth(costs_api.finance)
    name = a_name()
    client.post(PATH, json=telecom(name, refresh_cycle_hours=12), headers=finance)
    schedule = temporal_env.client.get_schedule_handle(refresh_schedule_id(name))
    every = (await schedule.describe()).schedule.spec.intervals[0].every
    assert every == timedelta(hours=12)
    client.put(f"{PATH}/{name}", json=telecom(name, refresh_cycle_hours=6), headers=finance)
    every = (await schedule.describe()).schedule.spec.intervals[0].every
    assert every == timedelta(hours=6)
    await schedule.delete()


SAVINGS_PLAN = "arn:aws:savingsplans::123456789012:savingsplan/3f0c1e8a-8e5f-4b2e-9a2c-1e2d3c4b5a6f"


def _contract(session: Session) -> str:
    suffix = uuid.uuid4().hex[:8]
    vendor = Vendor(name=f"Cloud {suffix}", status=VendorStatus.APPROVED, country="DE")
    session.add(vendor)
    session.flush()
    contract = Contract(
        vendor_id=vendor.id,
        reference=f"MSA-{suffix}",
        title="Savings Plan",
        start_date=date.today(),
    )
    session.add(contract)
    session.flush()
    return contract.reference


def test_a_commitment_discount_names_a_contract_and_nothing_else(
    costs_api: CostsApi, session: Session
) -> None:
    client, finance, org = costs_api.client, costs_api.auth(costs_api.finance), costs_api.org
    name, contract = a_name(), _contract(session)
    client.post(PATH, json=telecom(name), headers=finance)
    account = {"account_id": "T-100", "cost_center": org.child, "gl_account": org.gl1}
    plan = {"account_kind": "commitment_discount", "account_id": SAVINGS_PLAN, "contract": contract}
    put = client.put(f"{PATH}/{name}/mappings", json=[account, plan], headers=finance)
    assert put.status_code == 200, put.text
    refusals = {
        "unknown_contract": [account, {**plan, "contract": "MSA-NONE"}],
        "contract_on_account": [{**account, "contract": contract}],
        "booked_on_commitment_discount": [account, {**plan, "cost_center": org.child}],
        "contract_required": [account, {**plan, "contract": None}],
        "allocation_required": [{**account, "gl_account": None}],
    }
    for rule, body in refusals.items():
        refused = client.put(f"{PATH}/{name}/mappings", json=body, headers=finance)
        assert (refused.status_code, refused.json()["rule"]) == (422, rule), refused.text
    kept = client.get(f"{PATH}/{name}/mappings", headers=finance).json()
    assert [
        (m["account_kind"], m["account_id"], m["contract"], m["cost_center"]) for m in kept
    ] == [
        ("billing_account", "T-100", None, org.child),
        ("commitment_discount", SAVINGS_PLAN, contract, None),
    ]
    audit = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_id == name, AuditEntry.action == "cost_source.mappings_changed")
        .order_by(AuditEntry.sequence)
    ).all()
    (entry,) = audit
    assert entry.before == {"mappings": []} and entry.after is not None
    assert [m["contract"] for m in entry.after["mappings"]] == [None, contract]
