"""The optimisation recommendations' API: FinOps, finance, admins and auditors see every
recommendation, its owner sees theirs and nobody else does; its owner or FinOps moves it open ->
accepted -> done with the saving realised (in the audit trail), and bad moves are refused
naming their rule; detection needs FinOps, finance or an admin; an IT service's quarterly
review shows its unit cost per month and the savings realised on its resources."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.deps import get_session
from domain.catalog import Role
from domain.costs.governance import DocumentKind
from models import AuditEntry
from models.costs.recommendation_records import CostRecommendation
from models.people.accounts import issue_api_token, set_password, upsert_user
from tests.api.conftest import app_settings
from tests.models.costs.priced import a_priced_org, in_force, load_lines

ROLES = {
    "owner": Role.APPROVER,
    "other": Role.REQUESTER,
    "finops": Role.FINOPS,
    "finance": Role.FINANCE,
    "auditor": Role.AUDITOR,
    "admin": Role.ADMIN,
}
MONTH = date(2032, 8, 1)
PASSWORD = "savings-and-more"


@dataclass
class Api:
    client: TestClient
    session: Session
    tokens: dict[str, str]
    names: dict[str, str]
    tag: str

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def recommendation(self, owner: str, service: str = "Compute", saving: int = 5_000) -> int:
        row = CostRecommendation(
            kind="idle_resource",
            resource_id=f"i-{uuid.uuid4().hex[:10]}",
            period=MONTH,
            service_name=service,
            currency="EUR",
            cost_minor=saving,
            estimated_saving_minor=saving,
            owner=self.names[owner],
            status="open",
            detected_at=datetime.now(UTC),
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def signed_in(self, who: str) -> TestClient:
        """The client with ``who``'s page session (the login form)."""
        login = self.client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token
        form = {"username": self.names[who], "password": PASSWORD, "csrf_token": token.group(1)}
        assert self.client.post("/login", data=form, follow_redirects=False).status_code == 303
        return self.client

    def move(self, who: str, row_id: int, **body: object) -> tuple[int, dict[str, object]]:
        path = f"/api/costs/recommendations/{row_id}/status"
        answer = self.client.post(path, json=body, headers=self.auth(who))
        return answer.status_code, answer.json()


@pytest.fixture
def api(database_url: str, session: Session, temporal_env: WorkflowEnvironment) -> Iterator[Api]:
    tag = uuid.uuid4().hex[:6]
    tokens, names = {}, {}
    for who, role in ROLES.items():
        user = upsert_user(session, f"{who}-{tag}", roles=[role])
        set_password(user, PASSWORD)
        tokens[who] = issue_api_token(session, user, label="recommendation test")
        names[who] = user.username
    address = temporal_env.client.service_client.config.target_host
    app = create_app(app_settings(address), database_url)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        yield Api(client, session, tokens, names, tag)


def _ids(api: Api, who: str) -> list[int]:
    answer = api.client.get(
        "/api/costs/recommendations", params={"period": "2032-08"}, headers=api.auth(who)
    )
    assert answer.status_code == 200, answer.text
    return [row["id"] for row in answer.json()]


def test_readers_of_every_recommendation_and_its_owner_see_it_nobody_else_does(
    api: Api,
) -> None:
    row = api.recommendation("owner")
    for who in ("owner", "finops", "finance", "auditor", "admin"):
        assert row in _ids(api, who), who
    assert row not in _ids(api, "other")
    assert api.move("other", row, status="accepted")[0] == 404


def test_its_owner_accepts_then_marks_done_with_the_saving_in_the_audit_trail(api: Api) -> None:
    row = api.recommendation("owner")
    assert api.move("owner", row, status="accepted")[1]["status"] == "accepted"
    code, done = api.move("owner", row, status="done", realised_saving_minor=4_200)
    assert code == 200 and done["status"] == "done" and done["realised_saving_minor"] == 4_200
    actions = api.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.entity_type == "cost_recommendation", AuditEntry.entity_id == str(row)
        )
    ).all()
    assert sorted(actions) == ["recommendation.accepted", "recommendation.done"]


def test_bad_moves_are_refused_naming_their_rule(api: Api) -> None:
    row = api.recommendation("finance")  # owned by someone else than the owner here
    assert api.move("auditor", row, status="accepted")[1]["rule"] == "not_entitled"
    code, body = api.move("finops", row, status="done", realised_saving_minor=1)
    assert (code, body["rule"]) == (409, "invalid_transition")
    code, body = api.move("finops", row, status="dismissed", reason="")
    assert (code, body["rule"]) == (422, "reason_required")
    assert api.move("finops", row, status="accepted")[0] == 200
    code, body = api.move("finops", row, status="done")  # no later month loaded to measure by
    assert (code, body["rule"]) == (422, "realised_saving_required")
    code, body = api.move("finops", row, status="dismissed", reason="reserved for the peak")
    assert code == 200 and body["reason"] == "reserved for the peak"
    assert api.move("finops", row, status="accepted")[1]["rule"] == "invalid_transition"


def test_detection_needs_finops_finance_or_an_admin(api: Api) -> None:
    body = {"period": "2032-09"}
    path = "/api/costs/recommendations/detect"
    refused = api.client.post(path, json=body, headers=api.auth("owner"))
    assert refused.status_code == 403 and refused.json()["rule"] == "role_required"
    ran = api.client.post(path, json=body, headers=api.auth("finops"))
    assert ran.status_code == 200 and ran.json()["period"] == "2032-09-01"
    bad = api.client.post(path, json={"period": "2032-13"}, headers=api.auth("finops"))
    assert bad.status_code == 422


def test_a_services_quarterly_review_has_its_unit_cost_and_savings_realised(
    api: Api, engine: Engine
) -> None:
    org = a_priced_org(api.session)
    compute = org.cloud("Compute")
    months = {"2032-05": "50", "2032-08": "100"}
    model = {
        "currency": "EUR",
        "services": [
            {
                "service": org.service("VM"),
                "unit": "Hour",
                "consumption": {"driver": months},
                "pools": [
                    {"name": "compute", "part": "variable", "lines": {"service_name": [compute]}}
                ],
            }
        ],
    }
    in_force(api.session, org, DocumentKind.UNIT_COST_MODEL, model)
    for month in (date(2032, 5, 1), MONTH):
        load_lines(engine, month, [{"service_name": compute, "effective_cost": "40.00"}])
    row = api.recommendation("owner", service=compute)
    api.move("owner", row, status="accepted")
    api.move("owner", row, status="done", realised_saving_minor=900)
    path = f"/api/reports/qbr/{org.service('VM')}"
    assert (
        api.client.get(path, params={"quarter": "2032-Q3"}, headers=api.auth("owner")).status_code
        == 403
    )
    answer = api.client.get(path, params={"quarter": "2032-Q3"}, headers=api.auth("finance"))
    assert answer.status_code == 200, answer.text
    review = answer.json()
    per_unit = {m["month"]: Decimal(m["per_unit"] or "NaN") for m in review["unit_costs"]}
    assert len(per_unit) == 6  # the quarter and the one before
    assert per_unit["2032-05-01"] == Decimal("0.8") and per_unit["2032-08-01"] == Decimal("0.4")
    assert [b["month"] for b in review["budget"]] == ["2032-07-01", "2032-08-01", "2032-09-01"]
    assert review["realised_minor"] == {"EUR": 900}
    index = api.signed_in("finops").get("/reports/qbr")
    assert f"/reports/qbr/{org.service('VM')}?quarter=" in index.text
    page = api.client.get(f"/reports/qbr/{org.service('VM')}?quarter=2032-Q3")
    assert page.status_code == 200 and "<svg" in page.text  # the unit-cost trend chart
    assert "0.4000" in page.text and "9.00" in page.text  # August's unit cost, the saving
    missing = api.client.get(
        "/api/reports/qbr/NOPE", params={"quarter": "2032-Q3"}, headers=api.auth("finance")
    )
    assert missing.status_code == 404
