"""The forecast API with its roles: the budget forecast's method, band and backtest; dated
adjustments planned by finance or FinOps, deleted only by finance or admins, refused with the
rule they break; each service's forecast from loaded daily costs, with its backtest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from domain.catalog import Role
from models import CostDaily, CostSlice, CostSource
from models.people.accounts import issue_api_token, upsert_user
from tests.api.report_client import Reporting, reporting
from tests.models.report_ledger import FY

__all__ = ["reporting"]
EUR = 100
TODAY = "2026-03-20"


@pytest.fixture
def tokens(reporting: Reporting, session: Session) -> dict[str, dict[str, str]]:
    """Bearer headers of finance, a requester, a FinOps analyst and an admin."""
    headers = {"finance": reporting.auth(reporting.finance)}
    headers["requester"] = reporting.auth(reporting.requester)
    for role in (Role.FINOPS, Role.ADMIN):
        user = upsert_user(session, f"{role.value}-{reporting.org.tag.lower()}", roles=[role])
        token = issue_api_token(session, user, label="forecast test")
        headers[role.value] = {"Authorization": f"Bearer {token}"}
    session.flush()
    return headers


def _gl1_forecast(rep: Reporting, auth: dict[str, str]) -> dict[str, object]:
    params = {"fiscal_year": FY, "cost_center": rep.org.child, "today": TODAY}
    body = rep.client.get("/api/reports/forecast", params=params, headers=auth).json()
    line: dict[str, object] = next(x for x in body["lines"] if x["gl_account"] == rep.org.gl1)
    return line


def test_the_budget_forecast_names_its_method_band_and_backtest(
    reporting: Reporting, tokens: dict[str, dict[str, str]]
) -> None:
    line = _gl1_forecast(reporting, tokens["finance"])
    f = line["forecast"]
    assert isinstance(f, dict)
    assert f["method"] == "run_rate" and "3 periods" in f["method_reason"]
    assert f["forecast_minor"] == 25_000 + 23_000 + 4_333 * 9
    assert f["forecast_low_minor"] <= f["forecast_minor"] <= f["forecast_high_minor"]
    assert line["backtest"] is None  # three months: none to hold out
    assert str(line["accuracy"]).startswith("no backtest")


def test_planning_and_deleting_an_adjustment_by_role(
    reporting: Reporting, tokens: dict[str, dict[str, str]]
) -> None:
    org, client = reporting.org, reporting.client
    ramp = {
        "cost_center": org.child,
        "gl_account": org.gl1,
        "fiscal_year": FY,
        "period": 9,
        "amount_minor": 1_000 * EUR,
        "currency": "EUR",
        "kind": "project_ramp",
        "note": "data platform ramp-up",
    }
    refused = client.post("/api/forecasts/adjustments", json=ramp, headers=tokens["requester"])
    assert refused.status_code == 403
    before = _gl1_forecast(reporting, tokens["finance"])["forecast"]
    made = client.post("/api/forecasts/adjustments", json=ramp, headers=tokens["finops"])
    assert made.status_code == 201, made.text
    planned = made.json()
    assert planned["created_by"] == f"finops-{org.tag.lower()}"
    after = _gl1_forecast(reporting, tokens["finance"])["forecast"]
    assert isinstance(before, dict) and isinstance(after, dict)
    assert after["adjustment_minor"] == 1_000 * EUR
    assert after["forecast_minor"] == before["forecast_minor"] + 1_000 * EUR

    listed = client.get(
        "/api/forecasts/adjustments",
        params={"fiscal_year": FY, "cost_center": org.parent},
        headers=tokens["finance"],
    ).json()
    assert [a["adjustment_id"] for a in listed] == [planned["adjustment_id"]]
    path = f"/api/forecasts/adjustments/{planned['adjustment_id']}"
    assert client.delete(path, headers=tokens["finops"]).status_code == 403
    assert client.delete(path, headers=tokens["finance"]).status_code == 204
    gone = client.delete(path, headers=tokens["admin"])
    assert gone.status_code == 404 and gone.json()["rule"] == "unknown_adjustment"


@pytest.mark.parametrize(
    ("change", "status", "rule"),
    [
        ({"currency": "USD"}, 422, "currency_not_base"),
        ({"gl_account": "NO-SUCH-GL"}, 404, None),
        ({"cost_center": "NO-SUCH-CC"}, 404, None),
        ({"period": 13}, 422, None),
        ({"note": ""}, 422, None),
    ],
)
def test_a_bad_adjustment_is_refused_naming_what_is_wrong(
    reporting: Reporting,
    tokens: dict[str, dict[str, str]],
    change: dict[str, object],
    status: int,
    rule: str | None,
) -> None:
    org = reporting.org
    body = {
        "cost_center": org.child,
        "gl_account": org.gl1,
        "fiscal_year": FY,
        "period": 9,
        "amount_minor": 500,
        "currency": "EUR",
        "note": "x",
        **change,
    }
    answer = reporting.client.post("/api/forecasts/adjustments", json=body, headers=tokens["admin"])
    assert answer.status_code == status, answer.text
    if rule:
        assert answer.json()["rule"] == rule
    named = str(next(iter(change.values())))
    assert named in answer.text or str(next(iter(change))) in answer.text
    listed = reporting.client.get(
        "/api/forecasts/adjustments",
        params={"fiscal_year": FY, "cost_center": org.child},
        headers=tokens["admin"],
    ).json()
    assert listed == []


def test_service_forecasts_from_loaded_daily_costs(
    reporting: Reporting, tokens: dict[str, dict[str, str]], session: Session
) -> None:
    name = f"forecast-{reporting.org.tag.lower()}"
    cents = [1_000 + 40 * day + (300 if day % 7 in (5, 6) else 0) for day in range(28)]
    _load_daily(session, name, cents)
    path, params = "/api/forecasts/services", {"source": name, "days": 14}
    assert reporting.client.get(path, params=params, headers=tokens["requester"]).status_code == 403
    body = reporting.client.get(path, params=params, headers=tokens["finops"]).json()
    [service] = body["services"]
    assert (service["service"], service["history_days"]) == ("Compute", 28)
    assert service["history_minor"] == sum(cents) and service["forecast_days"] == 14
    assert service["method"] == "holt_winters"
    assert service["band_low_minor"] <= service["forecast_minor"] <= service["band_high_minor"]
    naive = sum(cents[:21]) / 21
    by_hand = sum(abs(a - naive) / a for a in cents[21:]) / 7 * 100
    assert service["backtest"]["held_out"] == 7
    assert service["backtest"]["run_rate_mape"] == pytest.approx(by_hand)
    assert service["accuracy"].endswith("over 7 days")
    unknown = reporting.client.get(
        path, params={"source": "no-such-source"}, headers=tokens["finance"]
    )
    assert unknown.status_code == 404


def _load_daily(session: Session, name: str, cents: list[int]) -> None:
    source = CostSource(name=name, format="focus", provider="Test", base_currency="EUR")
    session.add(source)
    session.flush()
    period = datetime(2026, 2, 1, tzinfo=UTC)
    chunk = CostSlice(source_id=source.id, billing_account_id="acct", billing_period_start=period)
    session.add(chunk)
    session.flush()
    first = date(2026, 2, 1)
    for day, amount in enumerate(cents):
        cost = Decimal(amount) / 100
        session.add(
            CostDaily(
                slice_id=chunk.id,
                usage_date=first + timedelta(days=day),
                source_id=source.id,
                billing_account_id="acct",
                service_name="Compute",
                tags={},
                billed_cost=cost,
                effective_cost=cost,
                list_cost=cost,
                contracted_cost=cost,
                line_count=1,
                base_currency="EUR",
                billed_cost_base=cost,
                effective_cost_base=cost,
            )
        )
    session.flush()
