"""The spend anomalies' API: FinOps, finance, admins and auditors see every finding; an owner
sees theirs and nobody else's; an answer to a finding whose run ended, an empty explanation and
a backfill asked by someone without the role are refused, each naming its rule."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.deps import get_session
from domain.catalog import Role
from domain.costs.spend_anomalies import anomaly_workflow_id
from models.costs.anomaly_records import SpendAnomaly
from models.people.accounts import issue_api_token, upsert_user
from tests.api.conftest import app_settings

ROLES = {
    "owner": Role.APPROVER,
    "other": Role.REQUESTER,
    "finops": Role.FINOPS,
    "finance": Role.FINANCE,
    "auditor": Role.AUDITOR,
    "admin": Role.ADMIN,
}


@dataclass
class Api:
    client: TestClient
    tokens: dict[str, str]
    names: dict[str, str]
    finding: int
    day: date

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def api(database_url: str, session: Session, temporal_env: WorkflowEnvironment) -> Iterator[Api]:
    tag = uuid.uuid4().hex[:6]
    tokens, names = {}, {}
    for who, role in ROLES.items():
        user = upsert_user(session, f"{who}-{tag}", roles=[role])
        tokens[who], names[who] = (
            issue_api_token(session, user, label="anomaly test"),
            user.username,
        )
    day = date(2031, 5, 17)  # a day no other test's finding has
    key = f"acct-{tag}"
    row = SpendAnomaly(
        kind="account",
        series_key=key,
        day=day,
        source="aws",
        currency="EUR",
        actual_minor=50_000,
        expected_minor=5_000,
        lower_minor=1_000,
        upper_minor=9_000,
        score=41.5,
        impact_minor=45_000,
        owner=names["owner"],
        status="open",
        waiting_on=[names["owner"]],
        workflow_id=anomaly_workflow_id("account", key, day),
        found_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    address = temporal_env.client.service_client.config.target_host
    app = create_app(app_settings(address), database_url)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        yield Api(client, tokens, names, row.id, day)


def _ids(api: Api, who: str) -> list[int]:
    answer = api.client.get(
        "/api/costs/anomalies", params={"period": f"{api.day:%Y-%m}"}, headers=api.auth(who)
    )
    assert answer.status_code == 200, answer.text
    return [finding["id"] for finding in answer.json()]


def test_readers_of_every_finding_and_its_owner_see_it_nobody_else_does(api: Api) -> None:
    for who in ("owner", "finops", "finance", "auditor", "admin"):
        assert api.finding in _ids(api, who), who
        detail = api.client.get(f"/api/costs/anomalies/{api.finding}", headers=api.auth(who))
        assert detail.status_code == 200 and detail.json()["impact_minor"] == 45_000
    assert api.finding not in _ids(api, "other")
    hidden = api.client.get(f"/api/costs/anomalies/{api.finding}", headers=api.auth("other"))
    assert hidden.status_code == 404


def test_answers_are_refused_by_rule(api: Api) -> None:
    path = f"/api/costs/anomalies/{api.finding}/acknowledge"
    body = {"feedback": "planned", "explanation": "the quarterly load test"}
    assert api.client.post(path, json=body, headers=api.auth("other")).status_code == 404
    ended = api.client.post(path, json=body, headers=api.auth("owner"))
    assert ended.status_code == 409 and ended.json()["rule"] == "not_waiting", ended.text
    empty = api.client.post(path, json={**body, "explanation": ""}, headers=api.auth("owner"))
    assert empty.status_code == 422
    wrong = api.client.post(path, json={**body, "feedback": "fine"}, headers=api.auth("owner"))
    assert wrong.status_code == 422


def test_a_backfill_needs_finops_finance_or_admin_and_a_range_in_order(api: Api) -> None:
    days = {"first": "2031-05-01", "last": "2031-05-31"}
    refused = api.client.post("/api/costs/anomalies/detect", json=days, headers=api.auth("owner"))
    assert refused.status_code == 403 and refused.json()["rule"] == "role_required"
    reversed_days = {"first": "2031-05-31", "last": "2031-05-01"}
    backwards = api.client.post(
        "/api/costs/anomalies/detect", json=reversed_days, headers=api.auth("finops")
    )
    assert backwards.status_code == 422 and backwards.json()["rule"] == "invalid_period"
