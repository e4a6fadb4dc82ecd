"""The forecast on the budget report's cost-center page as finance uses it: method and backtest
beside each line, a project ramp planned with the form and deleted again; a bad amount refused
with its rule; the service forecasts page."""

from __future__ import annotations

from tests.api.report_client import Reporting, page, reporting
from tests.models.report_ledger import FY
from tests.web.pages import csrf_of

__all__ = ["reporting"]


def test_a_ramp_planned_on_the_page_moves_the_forecast_and_can_be_deleted(
    reporting: Reporting,
) -> None:
    org, client = reporting.org, reporting.client
    reporting.sign_in(reporting.finance)
    scope = {"fiscal_year": FY, "today": "2026-03-20"}
    html = page(reporting, f"/reports/budget/{org.child}", **scope)
    assert "run rate (3 periods: fewer than 4 to fit a trend, run rate)" in html
    assert "no backtest: too little history to hold any period out" in html
    assert "No adjustments planned." in html
    form = {
        "csrf_token": csrf_of(html),
        "cost_center": org.child,
        "gl_account": org.gl1,
        "fiscal_year": str(FY),
        "period": "10",
        "amount": "2500.00",
        "kind": "project_ramp",
        "note": "Data platform <ramp>",
    }
    bad = client.post("/reports/forecast/adjustments", data={**form, "amount": "25.001"})
    assert bad.status_code == 422 and "is not an amount in EUR" in bad.text
    done = client.post("/reports/forecast/adjustments", data=form, follow_redirects=False)
    assert done.status_code == 303
    html = page(reporting, f"/reports/budget/{org.child}", **scope)
    assert "Data platform &lt;ramp&gt;" in html and "2,500.00 EUR" in html
    forecast = 25_000 + 23_000 + 4_333 * 9 + 250_000  # the ramp adds to CHILD/GL1
    assert f"{forecast // 100:,}.{forecast % 100:02d} EUR" in html
    action = html.split('action="/reports/forecast/adjustments/')[1].split('"')[0]
    deleted = client.post(
        f"/reports/forecast/adjustments/{action}",
        data={"csrf_token": csrf_of(html), "cost_center": org.child, "fiscal_year": str(FY)},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
    assert "No adjustments planned." in page(reporting, f"/reports/budget/{org.child}", **scope)


def test_a_requester_may_not_plan_and_finance_sees_service_forecasts(
    reporting: Reporting,
) -> None:
    org, client = reporting.org, reporting.client
    reporting.sign_in(reporting.requester)
    own = client.get("/preferences")  # a form of the requester's own session
    refused = client.post(
        "/reports/forecast/adjustments",
        data={
            "csrf_token": csrf_of(own.text),
            "cost_center": org.child,
            "gl_account": org.gl1,
            "fiscal_year": str(FY),
            "period": "10",
            "amount": "1.00",
            "note": "x",
        },
    )
    assert refused.status_code == 403
    assert "expired" not in refused.text  # refused for the role, not the token
    reporting.sign_in(reporting.finance)
    html = page(reporting, "/reports/forecast/services")
    assert "<h1>Service forecasts" in html and "80 % band" in html
