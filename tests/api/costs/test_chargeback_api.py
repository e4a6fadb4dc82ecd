"""The chargeback API on the real app: finance runs a month's chargeback statement and reads it
as JSON, CSV and a FOCUS 1.0 export that the FinOps Foundation's focus-validator accepts; a
charge drills down to the cost lines behind it; unit costs and rates of the month; refusals
name their rule and store nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import get_session
from domain.catalog import Role
from domain.costs.governance import DocumentKind
from models import ChargebackStatement
from models.people.accounts import issue_api_token, upsert_user
from settings import Settings
from tests.builders.allocation import a_period
from tests.builders.focus_validator import PASSED, focus_validator_report
from tests.models.costs.priced import (
    PricedOrg,
    a_priced_org,
    allocated_month,
    in_force,
    rate_card,
)


@dataclass(frozen=True)
class ChargebackApi:
    client: TestClient
    org: PricedOrg
    period: date
    finance: dict[str, str]
    requester: dict[str, str]

    @property
    def month(self) -> str:
        return f"{self.period:%Y-%m}"


@pytest.fixture
def api(engine: Engine, database_url: str, session: Session) -> Iterator[ChargebackApi]:
    org = a_priced_org(session)
    period = a_period()
    allocated_month(engine, session, org, period)
    in_force(session, org, DocumentKind.RATE_CARD, rate_card(org, period))
    requester = upsert_user(session, f"requester-{org.tag}", roles=[Role.REQUESTER])
    tokens = [issue_api_token(session, user, label="test") for user in (org.author, requester)]
    session.flush()
    settings = Settings(_env_file=None, environment="test", base_currency="EUR")
    app = create_app(settings, database_url)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        finance, other = ({"Authorization": f"Bearer {token}"} for token in tokens)
        yield ChargebackApi(client, org, period, finance, other)


def test_a_chargeback_is_read_as_json_csv_and_a_focus_export_the_validator_accepts(
    api: ChargebackApi, tmp_path: Path, repo_root: Path
) -> None:
    made = api.client.post(
        f"/api/chargeback/{api.month}", json={"mode": "chargeback"}, headers=api.finance
    )
    assert made.status_code == 201, made.text
    statement = made.json()
    units = api.org.units
    assert (statement["version"], statement["total_minor"]) == (1, 2480 + 1911 + 500)
    assert statement["by_business_unit"] == {
        units["analytics"].code: 1911,
        units["digital"].code: 2980,
    }

    read = api.client.get(f"/api/chargeback/{api.month}", headers=api.finance).json()
    assert read["charges"] == statement["charges"]
    rows = list(
        csv.DictReader(
            io.StringIO(
                api.client.get(
                    f"/api/chargeback/{api.month}/statement.csv", headers=api.finance
                ).text
            )
        )
    )
    assert [(r["cost_center"], r["rule"], r["amount"]) for r in rows][-1] == (
        api.org.teams["web"].code,
        "by tag",
        "5.00",
    )

    export = api.client.get(f"/api/chargeback/{api.month}/focus.csv", headers=api.finance)
    assert export.status_code == 200
    report = focus_validator_report(export.text, tmp_path, repo_root)
    assert PASSED in report, report
    focus = list(csv.DictReader(io.StringIO(export.text)))
    assert sum(int(row["BilledCost"].replace(".", "")) for row in focus) == 4891


def test_a_charge_drills_down_to_the_cost_lines_behind_it(api: ChargebackApi) -> None:
    made = api.client.post(
        f"/api/chargeback/{api.month}", json={"mode": "showback"}, headers=api.finance
    ).json()
    tagged = next(c for c in made["charges"] if c["rule"] == "by tag")
    storage = next(c for c in made["charges"] if c["rule"] == "storage")

    direct = api.client.get(
        f"/api/chargeback/{api.month}/charges/{tagged['id']}/lines", headers=api.finance
    ).json()
    pooled = api.client.get(
        f"/api/chargeback/{api.month}/charges/{storage['id']}/lines", headers=api.finance
    ).json()

    assert [(line["amount"], line["pooled"]) for line in direct] == [("5.00", False)]
    assert [(line["amount"], line["pooled"]) for line in pooled] == [("8.00", True)]


def test_unit_costs_and_rates_of_the_month(api: ChargebackApi) -> None:
    answer = api.client.get(f"/api/unit-costs/{api.month}", headers=api.finance).json()
    # the API reads documents in force now; the builders' documents took effect in the past
    assert [(c["service"], c["per_unit"]) for c in answer["unit_costs"]] == [
        (api.org.service("VM"), "3.000000"),
        (api.org.service("STO"), "0.080000"),
    ]
    assert [(r["service"], r["rate"]) for r in answer["rates"]] == [
        (api.org.service("VM"), "3.300000"),
        (api.org.service("STO"), "0.1"),
    ]


def test_refusals_name_their_rule_and_store_nothing(api: ChargebackApi, session: Session) -> None:
    def statements() -> int:
        return session.scalar(select(func.count()).select_from(ChargebackStatement)) or 0

    before = statements()
    month = api.month
    for body, headers, status, rule in (
        ({"mode": "invoice"}, api.finance, 422, "invalid_request"),
        ({"mode": "chargeback"}, api.requester, 403, None),
    ):
        answer = api.client.post(f"/api/chargeback/{month}", json=body, headers=headers)
        assert answer.status_code == status, answer.text
        assert rule is None or answer.json()["rule"] == rule
    unallocated = api.client.post(
        f"/api/chargeback/{a_period():%Y-%m}", json={"mode": "showback"}, headers=api.finance
    )
    assert (unallocated.status_code, unallocated.json()["rule"]) == (409, "no_allocation_run")
    bad = api.client.get("/api/chargeback/2024-13", headers=api.finance)
    assert (bad.status_code, bad.json()["rule"]) == (422, "invalid_period")
    assert api.client.get(f"/api/chargeback/{month}", headers=api.finance).status_code == 404
    assert statements() == before
