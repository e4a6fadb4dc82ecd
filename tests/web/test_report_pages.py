"""The budget report pages as finance opens them: figures, charts (inline SVG with a title and
the exact figures as its description), alert lines, drill-down links to the POs, the CSV
download, the commitments page; a requester is refused and does not see the Reports link."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from tests.api.report_client import Reporting, page, reporting
from tests.models.report_ledger import FY

__all__ = ["reporting"]


def test_the_budget_page_shows_figures_charts_alerts_and_links(reporting: Reporting) -> None:
    org = reporting.org
    reporting.sign_in(reporting.finance)
    html = page(reporting, "/reports/budget", fiscal_year=FY, cost_center=org.parent)
    assert '<a href="/reports/budget">Reports</a>' in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 5  # one per center x GL
    assert 'role="img"' in html and "<title" in html
    assert f"{org.child}/{org.gl1} FY{FY}: actual, committed and reserved by period" in html
    assert "1,550.00 EUR" in html  # PARENT/GL1 P3 available, children included
    assert f'href="/reports/budget/lines/{org.child}/{org.gl1}/{FY}/3"' in html
    alert_rows = re.findall(r'<tr class="alert">\s*<th scope="row">P(\d+)', html)
    assert alert_rows == ["5"]  # CHILD/GL2 P5: alerts mark the line they were raised on
    assert "alert 100 %" in html
    assert f"/reports/budget.csv?fiscal_year={FY}&amp;cost_center={org.parent}" in html


def test_the_csv_download_for_the_signed_in_browser(reporting: Reporting) -> None:
    org = reporting.org
    reporting.sign_in(reporting.finance)
    response = reporting.client.get(
        "/reports/budget.csv", params={"fiscal_year": FY, "cost_center": org.grand}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sum(Decimal(r["reserved"]) for r in rows) == Decimal("50.00")


def test_the_drill_down_page_links_the_pos(reporting: Reporting) -> None:
    org = reporting.org
    reporting.sign_in(reporting.finance)
    html = page(reporting, f"/reports/budget/lines/{org.child}/{org.gl1}/{FY}/3")
    for letter in "ABC":
        assert f'href="/po/{org.po(letter)}"' in html
    assert "Cloud hosting &lt;March&gt;" in html and "Hetzner &amp; Co" in html
    assert "JE-3" in html  # the journal entry without a PO


def test_the_cost_center_page_draws_the_burn_down_and_the_forecast(reporting: Reporting) -> None:
    org = reporting.org
    reporting.sign_in(reporting.finance)
    html = page(reporting, f"/reports/budget/{org.child}", fiscal_year=FY, today="2026-03-20")
    assert f"Burn-down of {org.child}, FY{FY}</title>" in html
    assert "remaining: P1 470.00 EUR, P2 " in html  # the chart's description, exact
    assert "1,570.00 EUR" in html  # remaining after period 3
    assert "3 of 12 periods begun" in html
    forecast = 25_000 + 23_000 + 4_333 * 9
    assert f"{forecast // 100:,}.{forecast % 100:02d} EUR" in html  # CHILD/GL1's forecast


def test_the_commitments_page_for_a_chosen_period(reporting: Reporting) -> None:
    org = reporting.org
    reporting.sign_in(reporting.finance)
    html = page(reporting, "/reports/commitments", fiscal_year=FY, period=3, cost_center=org.child)
    assert "FY2026 period 3" in html
    assert '<option value="3" selected>' in html
    assert "500.00 EUR" in html and "230.00 EUR" in html
    refused = reporting.client.get("/reports/commitments", params={"period": 13})
    assert refused.status_code == 422 and "period 13 is not a fiscal period" in refused.text


def test_the_po_page_draws_its_open_commitment(reporting: Reporting) -> None:
    reporting.sign_in(reporting.finance)
    html = page(reporting, f"/po/{reporting.org.po('A')}")
    assert f"Open commitment of {reporting.org.po('A')} after each budget step" in html
    # reserve, commit, the change order, the invoice (its relief and actual are one step)
    assert "open commitment: 1. reserve 300.00 EUR, 2. commit 300.00 EUR, " in html
    assert "3. commit 350.00 EUR, 4. relieve 230.00 EUR" in html


def test_a_requester_is_refused_and_sees_no_reports_link(reporting: Reporting) -> None:
    org = reporting.org
    reporting.sign_in(reporting.requester)
    assert "/reports/budget" not in page(reporting, "/inbox")
    for path in (
        "/reports/budget",
        "/reports/budget.csv",
        f"/reports/budget/{org.child}",
        f"/reports/budget/lines/{org.child}/{org.gl1}/{FY}/3",
        "/reports/commitments",
    ):
        response = reporting.client.get(path, follow_redirects=False)
        assert response.status_code == 403, path
        assert "requires a role of" in response.text


def test_a_report_asked_for_a_year_out_of_range_says_so_on_the_page(
    reporting: Reporting,
) -> None:
    reporting.sign_in(reporting.finance)
    refused = reporting.client.get("/reports/budget", params={"fiscal_year": 3000})
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("text/html")
    assert "fiscal year 3000 is out of range (2000..2100)" in refused.text
    assert "Something went wrong" not in refused.text
    not_a_year = reporting.client.get("/reports/budget", params={"fiscal_year": "next"})
    assert not_a_year.status_code == 422
    assert not_a_year.headers["content-type"].startswith("text/html")
    assert "Fiscal year must be a whole number." in not_a_year.text
    assert "Something went wrong" not in not_a_year.text


def test_an_unknown_address_answers_a_browser_with_a_page_and_a_program_with_json(
    reporting: Reporting,
) -> None:
    reporting.sign_in(reporting.finance)
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for path in ("/no-such-page", "/docs/guide", "/openapi-guide", "/healthz/history"):
        missing = reporting.client.get(path, headers=browser)
        assert missing.status_code == 404, path
        assert missing.headers["content-type"].startswith("text/html"), path
        assert "Not found" in missing.text and "Back to your inbox" in missing.text
    api = reporting.client.get("/api/no-such-thing", headers=browser)
    assert api.status_code == 404 and api.json()["rule"] == "not_found"
