"""``poflow costs recommendations --period``: detection over the month's cost lines (the FOCUS
specification's unused commitment example), then its recommendations as JSON lines; a second
run adds nothing; a month not written YYYY-MM is refused."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from tests.builders.focus_lines import SPEC_UNUSED, focus_lines
from tests.cli.command import poflow
from tests.models.costs.priced import load_lines


def test_the_month_is_judged_and_its_recommendations_listed(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    load_lines(engine, date(2033, 1, 1), focus_lines(SPEC_UNUSED, tag))
    first = poflow(
        ["costs", "recommendations", "--period", "2033-01", "--json"], database_url, tmp_path
    )
    assert first.returncode == 0, first.stderr
    rows = [json.loads(line) for line in first.stdout.splitlines()]
    mine = [r for r in rows if r["resource_id"].endswith(tag) and r["kind"] == "unused_commitment"]
    assert [(r["estimated_saving_minor"], r["status"], r["period"]) for r in mine] == [
        (150, "open", "2033-01")
    ]
    again = poflow(["costs", "recommendations", "--period", "2033-01"], database_url, tmp_path)
    assert again.returncode == 0 and "2033-01: " in again.stderr and " 0 new" in again.stderr
    assert f"<my-commitment-discount-id>-{tag}" in again.stdout

    refused = poflow(["costs", "recommendations", "--period", "Jan"], database_url, tmp_path)
    assert refused.returncode == 2 and "'Jan' is not a month, YYYY-MM" in refused.stderr
