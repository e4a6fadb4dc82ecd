"""The allocation API on the real app: finance uploads a driver table and runs the model in
force; readers get the newest run (or a version) per cost center, business unit and service
with what stayed unallocated, and the lines behind an amount; bad input stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.catalog import Role
from models.people.accounts import issue_api_token, upsert_user
from tests.builders.allocation import CostLine, a_period, allocation_org, load_lines, model_in_force


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
