"""Tag governance over HTTP on a real Azure export and the tag policy in force: compliance per
provider, account and team as JSON and CSV, the page, and the policy exported as an AWS
Organizations tag policy and an Azure Policy definition whose structure the providers'
documented syntax accepts (tests/api/costs/provider_schemas/)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import get_session
from domain.catalog import Role
from models.db import build_engine
from models.people.accounts import issue_api_token, set_password, upsert_user
from settings import Settings
from tests.builders.tagged_costs import PERIOD, TaggedSample, load_tagged_sample, sample_rows
from tests.conftest import app_role_url, fresh_database

SCHEMAS = Path(__file__).parent / "provider_schemas"
PASSWORD = "tags-and-more"


@dataclass(frozen=True)
class Clients:
    client: TestClient
    finops: dict[str, str]
    requester: dict[str, str]
    finance: dict[str, str]

    def signed_in(self, username: str = "finops-api") -> TestClient:
        """The client with the user's page session (the login form)."""
        login = self.client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token
        form = {"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
        assert self.client.post("/login", data=form, follow_redirects=False).status_code == 303
        return self.client


@pytest.fixture(scope="module")
def tagged(postgres_admin_url: str) -> Iterator[tuple[str, Engine, TaggedSample]]:
    url = app_role_url(fresh_database(postgres_admin_url, "poflow_tag_governance_api_test"))
    engine = build_engine(url, pool_size=2)
    yield url, engine, load_tagged_sample(engine)
    engine.dispose()


@pytest.fixture
def api(tagged: tuple[str, Engine, TaggedSample]) -> Iterator[Clients]:
    url, engine, _ = tagged
    with engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        headers = {}
        roles = (("finops", Role.FINOPS), ("requester", Role.REQUESTER), ("finance", Role.FINANCE))
        for name, role in roles:
            user = upsert_user(session, f"{name}-api", roles=[role])
            set_password(user, PASSWORD)
            headers[name] = {"Authorization": f"Bearer {issue_api_token(session, user)}"}
        session.flush()
        settings = Settings(_env_file=None, environment="test", temporal_address="127.0.0.1:9")
        app = create_app(settings, url)
        app.dependency_overrides[get_session] = lambda: session
        with TestClient(app) as client:
            yield Clients(client, headers["finops"], headers["requester"], headers["finance"])
        session.close()
        transaction.rollback()


def test_compliance_per_provider_as_json_adds_up_to_the_file(api: Clients) -> None:
    answer = api.client.get(
        "/api/costs/tag-compliance", params={"period": PERIOD, "by": "provider"}, headers=api.finops
    )
    assert answer.status_code == 200, answer.text
    (group,) = answer.json()["groups"]
    rows = sample_rows()
    assert Decimal(group["cost"]) == sum(r.cost for r in rows)
    assert Decimal(group["compliant_cost"]) == sum(r.cost for r in rows if r.compliant)
    assert Decimal(group["untagged_cost"]) == sum(r.cost for r in rows if r.untagged)
    parts = ("compliant_cost", "untagged_cost", "misclassified_cost")
    assert sum(Decimal(group[p]) for p in parts) == Decimal(group["cost"])


def test_the_csv_holds_the_same_exact_figures_per_team(api: Clients) -> None:
    params = {"period": PERIOD, "by": "team"}
    listed = api.client.get("/api/costs/tag-compliance", params=params, headers=api.finops).json()
    download = api.signed_in().get("/costs/tag-compliance.csv", params=params)
    assert download.status_code == 200
    table = list(csv.DictReader(io.StringIO(download.text)))
    assert [(r["group"], r["cost"], r["untagged_cost"]) for r in table] == [
        (g["group"], g["cost"], g["untagged_cost"]) for g in listed["groups"]
    ]


def test_bad_periods_and_readers_without_the_role_are_refused(api: Clients) -> None:
    bad = api.client.get("/api/costs/tag-compliance?period=2023-13", headers=api.finops)
    assert (bad.status_code, bad.json()["rule"]) == (422, "invalid_period")
    wrong_by = api.client.get(f"/api/costs/tag-compliance?period={PERIOD}&by=x", headers=api.finops)
    assert wrong_by.status_code == 422
    refused = api.client.get(f"/api/costs/tag-compliance?period={PERIOD}", headers=api.requester)
    assert refused.status_code == 403


def test_the_page_lists_the_resources_to_fix_with_their_owner(api: Clients) -> None:
    page = api.signed_in().get(f"/costs/tag-compliance?period={PERIOD}")
    assert page.status_code == 200
    untagged = max((r for r in sample_rows() if r.untagged), key=lambda r: r.cost)
    assert untagged.resource_id in page.text
    assert "cost_center: no value" in page.text


def _export(api: Clients, target: str) -> dict[str, Any]:
    answer = api.client.get(f"/api/costs/tag-policy/export/{target}", headers=api.finops)
    assert answer.status_code == 200, answer.text
    exported: dict[str, Any] = answer.json()
    return exported


def _schema(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


def test_the_aws_tag_policy_follows_the_documented_syntax_and_judges_as_poflow_does(
    api: Clients,
) -> None:
    policy = _export(api, "aws")
    assert list(_schema("aws_tag_policy.schema.json").iter_errors(policy)) == []
    for policy_key, statement in policy["tags"].items():
        assert policy_key == statement["tag_key"]["@@assign"].lower()
    cost_center = policy["tags"]["costcenter"]
    assert cost_center["enforced_for"] == {"@@assign": ["ec2:instance"]}
    allowed = cost_center["tag_value"]["@@assign"]
    for row in sample_rows():
        if row.service != "Azure Database for MySQL":
            assert (row.tags.get("CostCenter") in allowed) == row.compliant


def test_the_azure_definition_denies_a_missing_or_disallowed_cost_center(api: Clients) -> None:
    definition = _export(api, "azure")
    assert list(_schema("azure_policy_definition.schema.json").iter_errors(definition)) == []
    properties = definition["properties"]
    assert properties["mode"] == "Indexed"
    assert properties["parameters"]["effect"]["defaultValue"] == "Deny"
    referenced = re.findall(r"parameters\('([a-z_]+)'\)", json.dumps(properties["policyRule"]))
    assert set(referenced) <= set(properties["parameters"])
    conditions = properties["policyRule"]["if"]["anyOf"]
    assert {"field": "tags['CostCenter']", "exists": "false"} in conditions
    not_in = next(c for c in conditions if "notIn" in c)
    name = re.findall(r"parameters\('([a-z_]+)'\)", not_in["notIn"])[0]
    assert properties["parameters"][name]["defaultValue"] == ["1234"]


def test_the_schemas_refuse_what_the_providers_would(api: Clients) -> None:
    aws = _schema("aws_tag_policy.schema.json")
    assert list(aws.iter_errors({"tags": {"cc": {"tag_value": {"@@assign": ["a**"]}}}}))
    azure = _schema("azure_policy_definition.schema.json")
    broken = _export(api, "azure")
    broken["properties"]["policyRule"]["if"] = {"field": "tags['x']", "exists": "false", "in": []}
    assert list(azure.iter_errors(broken))


def test_a_closed_period_is_frozen_once_and_the_audit_report_shows_it(api: Clients) -> None:
    close = f"/api/costs/tag-compliance/{PERIOD}/snapshot"
    assert api.client.post(close, json={}, headers=api.requester).status_code == 403
    first = api.client.post(close, json={}, headers=api.finance)
    assert first.status_code == 200, first.text
    again = api.client.post(close, json={"reason": "again"}, headers=api.finance).json()
    assert (first.json()["created"], again["created"], again["version"]) == (True, False, 1)
    forced = api.client.post(close, json={"force": True, "reason": "restated"}, headers=api.finance)
    assert (forced.json()["created"], forced.json()["version"]) == (True, 2)
    (provider,) = first.json()["figures"]["provider"]
    rows = sample_rows()
    assert Decimal(provider["untagged_cost"]) == sum(r.cost for r in rows if r.untagged)
    report = api.signed_in("finance-api").get("/audit")
    assert report.status_code == 200
    assert "Tag compliance at month-end close" in report.text
    assert f"{PERIOD}</th><td>v2 (restated)" in report.text
    assert provider["completeness"] in report.text


def test_the_resources_to_fix_name_each_problem_and_owner(api: Clients) -> None:
    answer = api.client.get(
        "/api/costs/tag-compliance/resources", params={"period": PERIOD}, headers=api.finops
    )
    assert answer.status_code == 200, answer.text
    found = answer.json()
    wrong = [r for r in sample_rows() if not r.compliant]
    assert sum(Decimal(r["cost"]) for r in found) == sum(r.cost for r in wrong)
    assert Decimal(found[0]["cost"]) == max(r.cost for r in wrong)
    problems = {(f["key"], f["problem"], f["owner"]) for r in found for f in r["findings"]}
    assert problems == {
        ("cost_center", "missing", "finance"),
        ("cost_center", "not_allowed", "finance"),
    }
    assert all(r["owners"] for r in found)
