"""The chargeback page as finance opens it: a month's statement per business unit with each
charge's rule, rate and amount, the unit costs and rates of the month, the export links, and a
charge's drill-down to the cost lines behind it; a requester is refused."""

from __future__ import annotations

import html
import re

from sqlalchemy import Engine

from domain.catalog import Role
from domain.costs.governance import DocumentKind
from services.costs.chargeback import run_statement
from tests.api.costs.explore_client import Explorer, explorer, sign_in
from tests.builders.allocation import a_period
from tests.models.costs.priced import AT, a_priced_org, allocated_month, in_force, rate_card

__all__ = ["explorer"]


def test_finance_reads_a_statement_and_drills_down_to_a_charges_lines(
    engine: Engine, explorer: Explorer
) -> None:
    session = explorer.session
    org = a_priced_org(session)
    period = a_period()
    allocated_month(engine, session, org, period)
    in_force(session, org, DocumentKind.RATE_CARD, rate_card(org, period, transfer=False))
    run_statement(session, period, "showback", org.author, currency="EUR", start_month=1, at=AT)
    sign_in(explorer, explorer.person("finance", Role.FINANCE))

    page = explorer.client.get(f"/costs/chargeback?period={period:%Y-%m}")

    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert f"({org.units['analytics'].code}): 18.20 EUR" in text  # 13.20 + 5.00, no markup
    assert f"({org.units['digital'].code}): 29.80 EUR" in text
    assert "3.300000 (markup)" in text and "0.1 (benchmark)" in text
    assert "3.000000 (0.000000 + 3.000000)" in text  # VM's unit cost, all variable
    assert '<span class="badge bad">none</span>' in page.text  # data is in another entity
    lacking = f"{org.teams['data'].code} (US1) ← {org.provider.code} (EU1)"
    assert text.count(lacking) == 2  # its VM and storage charges carry no transfer markup
    assert f"/api/chargeback/{period:%Y-%m}/focus.csv?version=1" in page.text
    charge = re.search(r'href="(/costs/chargeback/[^"]+/charges/\d+\?version=1)">1<', page.text)
    assert charge is not None
    lines = explorer.client.get(html.unescape(charge[1]))
    assert lines.status_code == 200 and "yes</td>" in lines.text  # a pooled line, shown whole

    sign_in(explorer, explorer.person("requester", Role.REQUESTER))
    refused = explorer.client.get(f"/costs/chargeback?period={period:%Y-%m}")
    assert refused.status_code == 403
