"""The allocation pages as finance opens them: the periods allocated, a period's run per
business unit, cost center and service with each amount's rule, a drill-down to the lines
and ledger entries behind an amount (the unallocated too), an earlier version; a requester is
refused."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine

from domain.catalog import Role
from services.costs.allocation import run_allocation
from tests.api.costs.explore_client import Explorer, explorer, sign_in
from tests.builders.allocation import (
    CostLine,
    a_period,
    allocation_org,
    book_actual,
    load_lines,
    model_in_force,
)

__all__ = ["explorer"]


def _page(explorer: Explorer, path: str) -> str:
    response = explorer.client.get(path, follow_redirects=False)
    assert response.status_code == 200, response.text
    page: str = response.text
    return page


def test_finance_reads_a_period_allocation_and_drills_down_to_its_lines(
    explorer: Explorer, engine: Engine
) -> None:
    session = explorer.session
    org = allocation_org(session)
    period = a_period()
    month = f"{period:%Y-%m}"
    load_lines(
        engine,
        period,
        [
            CostLine(Decimal("40.10"), service="Amazon EC2", resource="i-web"),
            CostLine(Decimal("2.5"), service="Support", resource="case-1"),
        ],
    )
    rule = {"name": "compute", "kind": "direct", "match": {"service": "Amazon EC2"},
            "to": {"cost_center": org.centers[3], "service": org.services[0]}}  # fmt: skip
    model_in_force(session, org, [rule], datetime(2020, 1, 1, tzinfo=UTC))
    run_allocation(session, period, org.author, start_month=1)
    run_allocation(session, period, org.author, start_month=1)
    sign_in(explorer, explorer.person("finance", Role.FINANCE))

    index = _page(explorer, "/costs/allocations")
    assert f'<a href="/costs/allocations/{month}">{month}</a>' in index
    page = _page(explorer, f"/costs/allocations/{month}")
    assert "Version 2 (current) by allocation model v" in page
    assert f'<th scope="row">{org.centers[3]}</th><td>EUR</td><td class="num">40.10</td>' in page
    assert f'<th scope="row">{org.units[1]}</th><td>EUR</td><td class="num">40.10</td>' in page
    assert f'<th scope="row">{org.services[0]}</th>' in page
    assert '<th scope="row">unallocated</th><td>EUR</td><td class="num">2.50</td>' in page
    links = [html.unescape(h) for h in re.findall(r'<a href="([^"]+)">Lines<', page)]
    assert len(links) == 2
    compute = _page(explorer, links[0])
    assert "i-web" in compute and "case-1" not in compute and ">whole<" in compute
    unallocated = _page(explorer, links[1])
    assert "case-1" in unallocated and "i-web" not in unallocated
    earlier = _page(explorer, f"/costs/allocations/{month}?version=1")
    assert "Version 1 (superseded)" in earlier

    sign_in(explorer, explorer.person("requester", Role.REQUESTER))
    refused = explorer.client.get(f"/costs/allocations/{month}", follow_redirects=False)
    assert refused.status_code == 403


def test_a_labour_pool_drills_down_to_its_ledger_entries(explorer: Explorer) -> None:
    session = explorer.session
    org = allocation_org(session)
    c0, c1, _, _ = org.centers
    period = a_period()
    month = f"{period:%Y-%m}"
    book_actual(session, c0, org.gl_accounts[0], period, 420_000, key="erp-gl:salaries-")
    pool = {"entries": "actuals", "cost_center": c0, "gl_account": org.gl_accounts[0]}
    rule = {"name": "IT operations labour", "kind": "shared", "from_ledger": pool,
            "key": {"by": "even", "targets": [{"cost_center": c1}]}}  # fmt: skip
    model_in_force(session, org, [rule], datetime(2020, 1, 1, tzinfo=UTC))
    run_allocation(session, period, org.author, start_month=1)
    sign_in(explorer, explorer.person("finance", Role.FINANCE))

    page = _page(explorer, f"/costs/allocations/{month}")
    assert '<th scope="row">IT operations labour</th>' in page
    assert f'<th scope="row">{c1}</th><td>EUR</td><td class="num">4,200.00</td>' in page
    links = [html.unescape(h) for h in re.findall(r'<a href="([^"]+)">Lines<', page)]
    entries = _page(explorer, links[0])
    assert "Ledger entries" in entries and "erp-gl:salaries-" in entries
    assert f"<td>{c0}</td><td>{org.gl_accounts[0]}</td>" in entries
    assert '<td class="num">4,200.00</td>' in entries and "No lines." not in entries
