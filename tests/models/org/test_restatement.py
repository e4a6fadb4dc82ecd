"""Restating past months under the new structure: a team moved from business unit A to B on
1 October shows its September cost and actuals under A as they were, and under B restated; a
month's total is the same both ways."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.fiscal import FiscalPeriod
from models.budgets.org_history import OrgImport, import_org
from models.budgets.postings import Account, Posting, append
from models.budgets.restatement import RestatedAmount, restate
from models.people.accounts import find_user
from tests.models.costs.allocated import Allocated, a_eur_source, load_allocated
from tests.models.org.builders import Org, an_org

SEPTEMBER = date(2024, 9, 1)


@pytest.fixture(scope="module")
def org(engine: Engine) -> Org:
    """The team's September cost lines (12.345 + 0.005 EUR) loaded, committed."""
    org = an_org(engine)
    team = {"cost_center_id": org.team_id, "gl_account_id": org.gl_id}
    load_allocated(
        engine,
        a_eur_source(engine),
        "restate",
        [Allocated("12.345", **team), Allocated("0.005", **team)],  # type: ignore[arg-type]
    )
    return org


def test_september_restated_under_the_october_structure(session: Session, org: Org) -> None:
    finance = find_user(session, org.finance)
    assert finance is not None
    account = Account(org.team_id, org.gl_id, org.team, "GL")
    append(
        session,
        [Posting("actual", account, FiscalPeriod(2024, 9), "EUR", f"test:{org.team}", actual=700)],
    )
    reorg = OrgImport(date(2024, 10, 1), "csv", hierarchy={org.team: org.unit_b})
    import_org(session, reorg, by=finance, at=datetime(2024, 10, 2, tzinfo=UTC))

    rows = restate(session, SEPTEMBER, date(2024, 10, 1), as_of=date(2024, 10, 1), start_month=1)

    mine = {
        (r.measure, r.business_unit): (r.original_minor, r.restated_minor)
        for r in rows
        if r.month == SEPTEMBER and r.business_unit in {org.unit_a, org.unit_b}
    }
    assert mine == {
        ("cost", org.unit_a): (1235, 0),  # 12.35, rounded once per center and month
        ("cost", org.unit_b): (0, 1235),
        ("actual", org.unit_a): (700, 0),
        ("actual", org.unit_b): (0, 700),
    }
    assert _totals(rows, "original") == _totals(rows, "restated")


def _totals(rows: list[RestatedAmount], which: str) -> dict[tuple[date, str, str], int]:
    totals: dict[tuple[date, str, str], int] = {}
    for row in rows:
        key = (row.month, row.measure, row.currency)
        totals[key] = totals.get(key, 0) + getattr(row, f"{which}_minor")
    return totals
