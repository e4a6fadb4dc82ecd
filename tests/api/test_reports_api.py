"""The budget-report API as finance reads it: JSON figures, the CSV export (parsed with the csv
module, amounts adding up), drill-down, burn-downs, commitments, alerts, forecast; refusals."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from tests.api.report_client import Reporting, reporting
from tests.models.report_ledger import FY

__all__ = ["reporting"]
EUR = 100


def get(rep: Reporting, path: str, **params: object) -> object:
    """GET as the finance user; the JSON body of a 200."""
    response = rep.client.get(path, params=params, headers=rep.auth(rep.finance))
    assert response.status_code == 200, response.text
    return response.json()


def test_the_budget_report_rolls_children_up(reporting: Reporting) -> None:
    org = reporting.org
    body = get(reporting, "/api/reports/budget", fiscal_year=FY, cost_center=org.parent)
    assert isinstance(body, dict) and body["currency"] == "EUR"
    centers = {c["cost_center"]: c for c in body["cost_centers"]}
    assert [c["cost_center"] for c in body["cost_centers"]] == [org.parent, org.child, org.grand]
    assert centers[org.child]["parent"] == org.parent and centers[org.grand]["depth"] == 2
    gl1 = next(a for a in centers[org.parent]["accounts"] if a["gl_account"] == org.gl1)
    march = gl1["periods"][2]
    assert march["period"] == 3
    assert march["figures"] == {
        "budget_minor": 2_000 * EUR,
        "reserved_minor": 50 * EUR,
        "committed_minor": 230 * EUR,
        "actual_minor": 170 * EUR,
        "available_minor": 1_550 * EUR,
        "percent_consumed": 22,
    }
    assert centers[org.child]["total"]["available_minor"] == 5_970 * EUR


def test_the_csv_parses_and_adds_up(reporting: Reporting) -> None:
    org = reporting.org
    response = reporting.client.get(
        "/api/reports/budget.csv",
        params={"fiscal_year": FY, "cost_center": org.child},
        headers=reporting.auth(reporting.finance),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {row["currency"] for row in rows} == {"EUR"}
    assert all("." in row["budget"] and "e" not in row["budget"].lower() for row in rows)
    child = [row for row in rows if row["cost_center"] == org.child]
    grand = [row for row in rows if row["cost_center"] == org.grand]
    assert len(child) == 24 and len(grand) == 12  # two GL accounts, one; twelve periods each

    def total(part: list[dict[str, str]], column: str) -> Decimal:
        return sum((Decimal(row[column]) for row in part), Decimal(0))

    # CHILD's rows include GRAND; each equals the report's total for the year.
    assert total(child, "budget") == Decimal("6600.00")
    assert total(child, "available") == Decimal("5970.00")
    assert total(child, "actual") == Decimal("250.00")
    assert total(grand, "reserved") == Decimal("50.00")
    line = next(r for r in child if r["gl_account"] == org.gl1 and r["period"] == "3")
    assert (line["budget"], line["committed"], line["available"]) == ("1000.00", "230.00", "560.00")
    alert = next(r for r in child if r["gl_account"] == org.gl2 and r["period"] == "5")
    assert (alert["alert_percent"], alert["available"]) == ("100", "-100.00")


def test_the_drill_down_names_the_pos(reporting: Reporting) -> None:
    org = reporting.org
    body = get(reporting, f"/api/reports/budget/lines/{org.child}/{org.gl1}/{FY}/3")
    assert isinstance(body, dict)
    numbers = [po["po_number"] for po in body["purchase_orders"]]
    assert numbers == [org.po("A"), org.po("B"), org.po("C")]
    assert body["purchase_orders"][0]["vendor"] == "Hetzner & Co"
    assert [e["actual_minor"] for e in body["other_entries"]] == [40 * EUR]


def test_burn_downs_of_a_cost_center_and_of_a_po(reporting: Reporting) -> None:
    org = reporting.org
    center = get(reporting, f"/api/reports/burn-down/cost-centers/{org.child}", fiscal_year=FY)
    assert isinstance(center, dict)
    assert [p["remaining_minor"] for p in center["points"]][:3] == [
        470 * EUR,
        910 * EUR,
        1_570 * EUR,
    ]
    po = get(reporting, f"/api/reports/burn-down/purchase-orders/{org.po('A')}")
    assert isinstance(po, dict)
    assert [s["open_after_minor"] // EUR for s in po["steps"]] == [300, 300, 350, 350, 230]


def test_monthly_commitments_alerts_and_forecast(reporting: Reporting) -> None:
    org = reporting.org
    march = get(
        reporting, "/api/reports/commitments", fiscal_year=FY, period=3, cost_center=org.child
    )
    assert isinstance(march, dict)
    line = next(x for x in march["lines"] if x["gl_account"] == org.gl1)
    assert (line["new_minor"], line["released_minor"], line["open_commitment_minor"]) == (
        500 * EUR,
        200 * EUR,
        230 * EUR,
    )
    alerts = get(reporting, "/api/reports/alerts", fiscal_year=FY, cost_center=org.parent)
    assert isinstance(alerts, list)
    assert [(a["gl_account"], a["threshold_percent"]) for a in alerts] == [
        (org.gl2, 80),
        (org.gl2, 100),
    ]
    scope = {"fiscal_year": FY, "cost_center": org.child, "today": "2026-03-20"}
    forecast = get(reporting, "/api/reports/forecast", **scope)
    assert isinstance(forecast, dict) and forecast["elapsed_periods"] == 3
    gl1 = next(x for x in forecast["lines"] if x["gl_account"] == org.gl1)["forecast"]
    assert gl1["run_rate_minor"] == 4_333
    assert gl1["forecast_minor"] == 25_000 + 23_000 + 4_333 * 9


def test_bad_input_is_refused_with_a_reason(reporting: Reporting) -> None:
    org, client, auth = reporting.org, reporting.client, reporting.auth(reporting.finance)
    bad_period = client.get(
        "/api/reports/commitments", params={"fiscal_year": FY, "period": 13}, headers=auth
    )
    assert bad_period.status_code == 422
    assert bad_period.json()["detail"] == "period 13 is not a fiscal period (1..12)"
    unknown = client.get("/api/reports/budget", params={"cost_center": "NOPE"}, headers=auth)
    assert unknown.status_code == 404 and unknown.json()["detail"] == "no cost center NOPE"
    no_gl = client.get(f"/api/reports/budget/lines/{org.child}/NOPE/{FY}/3", headers=auth)
    assert no_gl.status_code == 404 and no_gl.json()["detail"] == "no GL account NOPE"
    no_po = client.get("/api/reports/burn-down/purchase-orders/PO-NOPE", headers=auth)
    assert no_po.status_code == 404 and "PO-NOPE" in no_po.json()["detail"]
    line_13 = client.get(f"/api/reports/budget/lines/{org.child}/{org.gl1}/{FY}/13", headers=auth)
    assert line_13.status_code == 422


def test_a_requester_is_refused_and_a_stranger_must_sign_in(reporting: Reporting) -> None:
    for path in ("/api/reports/budget", "/api/reports/budget.csv", "/api/reports/forecast"):
        refused = reporting.client.get(path, headers=reporting.auth(reporting.requester))
        assert refused.status_code == 403, path
        assert refused.json()["detail"].startswith("requires a role of")
        assert reporting.client.get(path).status_code == 401
