"""`poflow variances` against the committed demo database: the list shows each investigation of a
month with its figures, status and latest explanation; a month not written YYYY-MM is refused in
one line naming its rule, exit status 2, before anything runs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from domain.variance_investigation import (
    HistoryEntry,
    VarianceStart,
    VarianceStatus,
    VarianceView,
    variance_workflow_id,
)
from models.budgets.variance_investigations import project_variance
from tests.cli.command import poflow

PERIOD = "2098-05"


def test_the_list_shows_a_months_variances_with_their_explanation(
    demo_sessions: sessionmaker[Session], demo_database_url: str, tmp_path: Path
) -> None:
    start = VarianceStart(PERIOD, "IT-APPS", "6120", "EUR", 1_200_000, 1_800_000, None, ("budget",))
    said = HistoryEntry("2098-06-02T09:00:00+00:00", "sam", "explained", "price", "new rates")
    view = VarianceView(start, "sam", VarianceStatus.EXPLAINED, ["fiona"], [said])
    with demo_sessions.begin() as session:
        workflow_id = variance_workflow_id(PERIOD, "IT-APPS", "6120")
        project_variance(session, workflow_id, view, datetime.now(UTC))

    listed = poflow(["variances", "list", "--period", PERIOD], demo_database_url, tmp_path)
    assert listed.returncode == 0, listed.stderr
    [line] = listed.stdout.splitlines()
    assert line.startswith(f"{PERIOD} IT-APPS/6120 explained")
    assert "actual 18,000.00 EUR vs budget 12,000.00 EUR" in line
    assert line.endswith("sam · price: new rates")


def test_a_month_not_written_yyyy_mm_is_refused_naming_the_rule(
    demo_database_url: str, tmp_path: Path
) -> None:
    refused = poflow(["variances", "detect", "--period", "2098-13"], demo_database_url, tmp_path)
    assert refused.returncode == 2
    assert "(invalid_period)" in refused.stderr
