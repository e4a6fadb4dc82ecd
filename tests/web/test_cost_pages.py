"""The cost pages as finance opens them over real sample data: filters, the daily stacked chart,
the groups with drill-down to their resources and lines (page by page), the CSV export adding up
to DuckDB's sum of the file; the loads with progress (refreshing while one loads) and a load's
report; a requester is refused and sees no Costs link."""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal

import duckdb
from sqlalchemy import text

from domain.catalog import Role
from tests.api.costs.explore_client import Explorer, aws_source, explorer, sign_in
from tests.builders.cost_files import AWS_CUR_SAMPLE

__all__ = ["aws_source", "explorer"]
UNBLENDED = (
    'SELECT sum(CAST("lineItem/UnblendedCost" AS DECIMAL(38, 20))) '
    f"FROM read_csv('{AWS_CUR_SAMPLE}', all_varchar=true, header=true)"
)


def _page(explorer: Explorer, path: str) -> str:
    response = explorer.client.get(path, follow_redirects=False)
    assert response.status_code == 200, response.text
    page: str = response.text
    return page


def _links(page: str, label: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'<a href="([^"]+)">{label}<', page)]


def test_the_costs_page_charts_groups_and_drills_down_to_lines(
    explorer: Explorer, aws_source: str
) -> None:
    sign_in(explorer, explorer.person("finance", Role.FINANCE))
    page = _page(explorer, f"/costs?source={aws_source}&group_by=service&then_by=")
    assert '<a href="/costs">Costs</a>' in page
    assert "Billed cost per day by service</title>" in page and 'role="img"' in page
    resources = _links(page, "Resources")
    assert resources and all("group_by=resource" in link for link in resources)
    drilled = _page(explorer, resources[0])
    assert 'scope="col">resource</th>' in drilled
    lines_link = _links(page, "Lines")[0]
    service = re.search(r"service=([^&]+)", lines_link)
    assert service is not None
    lines = _page(explorer, lines_link)
    assert lines.count('<tr><th scope="row">2023-11-') > 0
    shown = 0
    while True:
        shown += lines.count('<tr><th scope="row">')
        more = re.search(r'<a href="(/costs/lines\?[^"]+)" rel="next">', lines)
        if more is None:
            break
        lines = _page(explorer, html.unescape(more[1]))
    group = next(
        r
        for r in re.findall(r"<tr>.*?</tr>", page, re.S)
        if lines_link.split("?")[1].replace("&", "&amp;") in r
    )
    assert f"<td>{shown}</td>" in group  # the group's line count: every line, once


def test_the_csv_export_adds_up_to_the_file(explorer: Explorer, aws_source: str) -> None:
    sign_in(explorer, explorer.person("finance", Role.FINANCE))
    response = explorer.client.get(
        "/costs.csv", params={"source": aws_source, "group_by": "region"}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    ((total,),) = duckdb.connect().execute(UNBLENDED).fetchall()
    assert sum(Decimal(row["billed_cost"]) for row in rows) == total
    assert all("e" not in row["billed_cost"].lower() for row in rows)


def test_the_loads_pages_show_progress_and_the_report(explorer: Explorer, aws_source: str) -> None:
    sign_in(explorer, explorer.person("finance", Role.FINANCE))
    load_id = explorer.session.scalar(
        text(
            "SELECT l.id FROM cost_loads l JOIN cost_sources s ON s.id = l.source_id "
            "WHERE s.name = :name"
        ),
        {"name": aws_source},
    )
    listing = _page(explorer, "/costs/loads")
    # The page lists the newest 200 loads; other tests' loads, some still loading, may be older.
    loading = explorer.session.scalar(
        text(
            "SELECT count(*) FROM (SELECT status FROM cost_loads ORDER BY id DESC LIMIT 200) l "
            "WHERE status = 'loading'"
        )
    )
    assert f'href="/costs/loads/{load_id}"' in listing
    assert ('http-equiv="refresh"' in listing) == bool(loading)  # refreshes only while loading
    explorer.session.execute(
        text(
            "UPDATE cost_loads SET status = 'loading', bytes_read = 250, bytes_total = 1000, "
            'report = \'{"quality": {"zero_cost": {"action": "keep_and_flag", '
            '"rows": 4, "billed_cost": "0", "sample_rows": [2, 5]}}}\' WHERE id = :id'
        ),
        {"id": load_id},
    )
    listing = _page(explorer, "/costs/loads")
    assert '<meta http-equiv="refresh" content="5">' in listing
    assert '<progress max="100" value="25"' in listing
    report = _page(explorer, f"/costs/loads/{load_id}")
    assert '<th scope="row">zero_cost</th><td>keep and flag</td><td>4</td>' in report
    assert "2, 5" in report and "No row was quarantined." in report
    refusal = (
        '{"refused": true, "file": "cur.csv", "row": 7, "column": "lineItem/UnblendedCost", '
        '"problem": "not a number", '
        '"message": "cur.csv row 7, lineItem/UnblendedCost: not a number"}'
    )
    explorer.session.execute(
        text("UPDATE cost_loads SET status = 'failed', report = CAST(:r AS jsonb) WHERE id = :id"),
        {"r": refusal, "id": load_id},
    )
    failed = _page(explorer, f"/costs/loads/{load_id}")
    assert "cur.csv row 7, lineItem/UnblendedCost: not a number" in failed


def test_a_requester_is_refused_and_sees_no_costs_link(explorer: Explorer) -> None:
    requester = explorer.person("requester", Role.REQUESTER)
    sign_in(explorer, requester)
    assert explorer.client.get("/costs").status_code == 403
    assert explorer.client.get("/costs/loads").status_code == 403
    assert 'href="/costs"' not in explorer.client.get("/preferences").text


def test_finops_has_the_costs_link_and_the_explorer_but_no_loads(
    explorer: Explorer, aws_source: str
) -> None:
    sign_in(explorer, explorer.person("finops", Role.FINOPS))
    page = _page(explorer, f"/costs?source={aws_source}&group_by=service&then_by=")
    assert '<a href="/costs">Costs</a>' in page and _links(page, "Resources")
    assert 'href="/delegations"' in page  # a FinOps review tier's approver delegates too
    assert 'href="/reports/budget"' not in page  # budget reports are finance's
    assert explorer.client.get("/costs/loads").status_code == 403
    assert explorer.client.get("/costs/shadow-it").status_code == 200
