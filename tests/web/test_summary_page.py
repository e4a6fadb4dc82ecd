"""Finance's summary page on the report ledger of ``tests.models.report_ledger``: the year's
headline figures, the lines over budget with by how much, the lines most used, and two charts
described by the same exact figures as their tables."""

from __future__ import annotations

import re

from tests.api.report_client import Reporting, page, reporting
from tests.models.report_ledger import FY

__all__ = ["reporting"]


def text_of(html: str) -> str:
    """The page's words, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_the_summary_shows_the_years_figures_and_what_is_over_budget(
    reporting: Reporting,
) -> None:
    org = reporting.org
    reporting.sign_in(reporting.finance)
    html = page(reporting, "/reports/summary", fiscal_year=FY, cost_center=org.parent)
    start = html.index('aria-label="The year in figures">')
    headline = text_of(html[start : html.index("</dl>", start)])
    assert headline == (
        'aria-label="The year in figures"> Budget 7,600.00 EUR '
        "Committed 330.00 EUR and 50.00 EUR reserved Actual 260.00 EUR "
        "Remaining 6,960.00 EUR 8 % used"
    )
    over = section(html, "over-heading")
    assert f'href="/reports/budget/lines/{org.child}/{org.gl2}/{FY}/5"' in over
    assert text_of(over).endswith(f"{org.child}/{org.gl2} P5 0.00 EUR 100.00 EUR 100.00 EUR")
    used = section(html, "used-heading")
    lines = re.findall(r">(R[PCG]-\w+/G\d-\w+)</a>", used)
    assert lines == [
        f"{org.child}/{org.gl2}",  # 100 % of 100.00
        f"{org.grand}/{org.gl1}",  # 25 % of 200.00
        f"{org.child}/{org.gl1}",  # 480.00 of 6,300.00: 7 %
        f"{org.parent}/{org.gl1}",  # 1 %
    ]
    assert f'href="/reports/budget/{org.child}?fiscal_year={FY}"' in html  # its burn-down


def test_the_summary_charts_are_described_by_the_figures_of_their_tables(
    reporting: Reporting,
) -> None:
    org = reporting.org
    reporting.sign_in(reporting.finance)
    html = page(reporting, "/reports/summary", fiscal_year=FY, cost_center=org.parent)
    assert html.count('role="img"') == 2
    assert f"FY{FY} by period: consumed against budget</title>" in html
    described = re.findall(r"<desc[^>]*>([^<]*)</desc>", html)
    assert len(described) == 2
    # March: budget 800 + 1000 + 200 + 100; reserved 50, committed 230, actual 160 + 10
    assert "P3: budget 2,100.00 EUR, consumed 450.00 EUR" in described[0]
    assert f"{org.child}: budget 6,400.00 EUR, consumed 580.00 EUR" in described[1]
    centers = section(html, "center-heading")
    row = re.search(rf'<th scope="row">{org.child}</th>(.*?)</tr>', centers, re.S)
    assert row and text_of(row.group(1)) == (
        "6,400.00 EUR 0.00 EUR 330.00 EUR 250.00 EUR 5,820.00 EUR"
    )


def test_the_reports_navigation_leads_to_the_summary(reporting: Reporting) -> None:
    reporting.sign_in(reporting.finance)
    budget = page(reporting, "/reports/budget", fiscal_year=FY, cost_center=reporting.org.parent)
    assert '<a href="/reports/summary">Summary</a>' in budget
    summary = page(reporting, "/reports/summary", fiscal_year=FY)
    assert '<a href="/reports/summary" aria-current="page">Summary</a>' in summary
    reporting.sign_in(reporting.requester)
    refused = reporting.client.get("/reports/summary", follow_redirects=False)
    assert refused.status_code == 403
