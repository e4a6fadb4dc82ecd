"""The allocation API on the real app: finance uploads a driver table and runs the model in
force; readers get the newest run (or a version) per cost center, business unit and service
with what stayed unallocated, and the lines and ledger entries behind an amount, each amount in
its currency's own minor units; bad input stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.catalog import Role
from models.people.accounts import issue_api_token, upsert_user
from tests.api.conftest import app_settings
from tests.builders.allocation import (
    CostLine,
    a_period,
    allocation_org,
    book_actual,
    load_lines,
    model_in_force,
)


def _auth(session: Session, role: Role) -> dict[str, str]:
    user = upsert_user(session, f"{role}-{datetime.now(UTC).timestamp()}", roles=[role])
    return {"Authorization": f"Bearer {issue_api_token(session, user)}"}


def test_finance_runs_the_model_and_readers_see_each_target_and_the_unallocated(
    client: TestClient, engine: Engine, session: Session
) -> None:
    org = allocation_org(session)
    finance, requester = _auth(session, Role.FINANCE), _auth(session, Role.REQUESTER)
    period = a_period()
    month = f"{period:%Y-%m}"
    load_lines(
        engine,
        period,
        [
            CostLine(Decimal("100.005"), service="Amazon EC2"),
            CostLine(Decimal("30"), service="Azure AD"),
            CostLine(Decimal("0.333"), service="Support"),
        ],
    )
    assert client.get(f"/api/allocations/{month}", headers=finance).status_code == 404
    refused = client.post(
        f"/api/allocations/{month}/drivers/headcount",
        headers=finance,
        json={"quantities": {org.centers[1]: "-2"}},
    )
    assert refused.status_code == 422 and refused.json()["rule"] == "invalid_request"
    unknown = client.post(
        f"/api/allocations/{month}/drivers/headcount",
        headers=finance,
        json={"quantities": {"NOPE": "2"}},
    )
    assert unknown.status_code == 422 and unknown.json()["rule"] == "unknown_cost_center"
    stored = client.post(
        f"/api/allocations/{month}/drivers/headcount",
        headers=finance,
        json={"quantities": {org.centers[1]: "3", org.centers[2]: "1"}},
    )
    assert stored.status_code == 201 and stored.json()["rows"] == 2
    nothing = client.post(f"/api/allocations/{month}", headers=finance)
    assert nothing.status_code == 409 and nothing.json()["rule"] == "no_allocation_model"
    model_in_force(
        session,
        org,
        [
            {
                "name": "compute",
                "kind": "direct",
                "match": {"service": "Amazon EC2"},
                "to": {"service": org.services[0]},
            },
            {
                "name": "identity",
                "kind": "shared",
                "match": {"service": "Azure AD"},
                "key": {"by": "headcount"},
            },
        ],
        datetime(2020, 1, 1, tzinfo=UTC),
    )
    assert client.post(f"/api/allocations/{month}", headers=requester).status_code == 403
    ran = client.post(f"/api/allocations/{month}", headers=finance)
    assert ran.status_code == 201, ran.text
    body = client.get(f"/api/allocations/{month}", headers=finance).json()
    assert body == ran.json()
    assert (body["version"], body["status"], body["line_count"]) == (1, "current", 3)
    centers = {row["name"]: row["amount_minor"] for row in body["by_cost_center"]}
    assert centers == {org.centers[0]: 10001, org.centers[1]: 2250, org.centers[2]: 750}
    units = {row["name"]: row["amount_minor"] for row in body["by_business_unit"]}
    assert units == {org.units[0]: 10001 + 750, org.units[1]: 2250}  # CC0, CC2 | CC1
    assert [(s["name"], s["amount"]) for s in body["by_service"]] == [(org.services[0], "100.01")]
    assert [(u["currency"], u["amount_minor"]) for u in body["unallocated"]] == [("EUR", 33)]
    assert [(t["currency"], t["amount_minor"]) for t in body["totals"]] == [("EUR", 13034)]

    client.post(f"/api/allocations/{month}", headers=finance)
    assert client.get(f"/api/allocations/{month}", headers=finance).json()["version"] == 2
    first = client.get(f"/api/allocations/{month}?version=1", headers=finance).json()
    assert first["status"] == "superseded" and first["amounts"] == body["amounts"]

    lines = client.get(
        f"/api/allocations/{month}/lines",
        params={"cost_center": org.centers[1], "rule": "identity"},
        headers=finance,
    ).json()
    assert [(line["service_name"], line["amount"], line["pooled"]) for line in lines] == [
        ("Azure AD", "30", True)
    ]
    unallocated = client.get(f"/api/allocations/{month}/lines", headers=finance).json()
    assert [(line["service_name"], line["rule"]) for line in unallocated] == [("Support", None)]


def test_a_depreciation_pool_in_yen_is_served_in_whole_yen_with_its_entries(
    client: TestClient, engine: Engine, session: Session
) -> None:
    org = allocation_org(session)
    c0, c1, c2, _ = org.centers
    finance = _auth(session, Role.FINANCE)
    period = a_period()
    month = f"{period:%Y-%m}"
    load_lines(engine, period, [CostLine(Decimal("1000.6"), currency="JPY")])
    start_month = app_settings("unused").fiscal_year_start_month
    hardware = org.gl_accounts[1]
    charge = book_actual(
        session, c0, hardware, period, 100_001, key="depreciation:", currency="JPY",
        start_month=start_month,
    )  # fmt: skip
    targets = [{"cost_center": c1}, {"cost_center": c2}]
    pool = {"entries": "depreciation", "cost_center": c0, "gl_account": hardware}
    rules = [
        {"name": "servers", "kind": "shared", "from_ledger": pool,
         "key": {"by": "even", "targets": targets}},
        {"name": "cloud", "kind": "direct", "to": {"cost_center": c1}},
    ]  # fmt: skip
    model_in_force(session, org, rules, datetime(2020, 1, 1, tzinfo=UTC))

    ran = client.post(f"/api/allocations/{month}", headers=finance)
    assert ran.status_code == 201, ran.text
    amounts = {(a["rule"], a["cost_center"]): a["amount_minor"] for a in ran.json()["amounts"]}
    assert amounts == {("servers", c1): 50_001, ("servers", c2): 50_000, ("cloud", c1): 1001}
    assert [(t["currency"], t["amount_minor"], t["amount"]) for t in ran.json()["totals"]] == [
        ("JPY", 101_002, "101002")
    ]
    entries = client.get(
        f"/api/allocations/{month}/entries",
        params={"cost_center": c2, "rule": "servers"},
        headers=finance,
    ).json()
    assert [(e["entry_id"], e["gl_account"], e["amount_minor"]) for e in entries] == [
        (charge, hardware, 100_001)
    ]
    no_lines = client.get(
        f"/api/allocations/{month}/lines", params={"cost_center": c2}, headers=finance
    ).json()
    assert no_lines == []
