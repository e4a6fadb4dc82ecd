"""Finance sees the cloud actuals booked from loaded cost data on the budget report, in a
column of their own beside the actual, and in the summary's headline."""

from __future__ import annotations

import html
import re

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import CostCenter, GlAccount
from models.costs.actuals import book_actuals
from tests.api.report_client import Reporting, page, reporting
from tests.models.costs.allocated import Allocated, a_eur_source, load_allocated

__all__ = ["reporting"]


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_budget_and_summary_pages_show_cloud_actuals(
    reporting: Reporting, session: Session, engine: Engine
) -> None:
    org = reporting.org
    center = session.scalar(select(CostCenter.id).where(CostCenter.code == org.child))
    gl = session.scalar(select(GlAccount.id).where(GlAccount.code == org.gl1))
    lines = [Allocated("1234.5", cost_center_id=center, gl_account_id=gl)]
    load_id = load_allocated(engine, a_eur_source(engine), "111", lines)
    book_actuals(session, [load_id], currency="EUR", start_month=1)
    reporting.sign_in(reporting.finance)

    report = page(reporting, "/reports/budget", fiscal_year=2024, cost_center=org.child)
    header = re.search(r"<thead>.*?</thead>", report, re.S)
    assert header and "Actual of which cloud Available" in _text(header.group(0))
    row = re.search(r'<th scope="row">P9.*?</tr>', report, re.S)
    assert row, "no row for September"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    assert [_text(cell) for cell in cells[3:5]] == ["1,234.50 EUR", "1,234.50 EUR"]

    summary = page(reporting, "/reports/summary", fiscal_year=2024, cost_center=org.child)
    assert "of which 1,234.50 EUR cloud actuals" in _text(summary)
