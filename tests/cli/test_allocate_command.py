"""`poflow costs allocate` as an operator runs it against the demo database: the model in force
over a period's lines, printed per business unit, cost center and service with what stayed
unallocated, as text and JSON; each run a new version; a bad period is one clear line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from models.db import build_engine, unit_of_work
from tests.builders.allocation import (
    CostLine,
    a_period,
    allocation_org,
    book_actual,
    load_lines,
    model_in_force,
)
from tests.builders.processes import clean_environment, run_cli


def test_allocate_prints_each_target_and_the_unallocated(
    demo_database_url: str, demo_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    period = a_period()
    engine = build_engine(demo_database_url, pool_size=1)
    load_lines(
        engine,
        period,
        [CostLine(Decimal("12.345"), service="Amazon VPC"), CostLine(Decimal("1.1"), service="X")],
    )
    engine.dispose()
    with unit_of_work(demo_sessions) as session:
        org = allocation_org(session)
        rule = {
            "name": "network",
            "kind": "shared",
            "match": {"service": "Amazon VPC"},
            "key": {
                "by": "percentages",
                "targets": [
                    {"cost_center": org.centers[0], "percent": 60},
                    {"cost_center": org.centers[1], "percent": "40"},
                ],
            },
        }
        servers = {
            "name": "servers",
            "kind": "shared",
            "from_ledger": {"entries": "depreciation", "cost_center": org.centers[2]},
            "key": {"by": "even", "targets": [{"cost_center": org.centers[3]}]},
        }
        book_actual(session, org.centers[2], org.gl_accounts[1], period, 5_000, key="depreciation:")
        model_in_force(session, org, [rule, servers], datetime.now(UTC))
    env = clean_environment(DATABASE_URL=demo_database_url)
    month = f"{period:%Y-%m}"

    as_json = run_cli(["costs", "allocate", "--period", month, "--json"], env, tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert (report["version"], report["line_count"]) == (1, 2)
    assert report["by_cost_center"] == [
        {"name": org.centers[0], "currency": "EUR", "amount": "7.40"},
        {"name": org.centers[1], "currency": "EUR", "amount": "4.94"},
        {"name": org.centers[3], "currency": "EUR", "amount": "50.00"},
    ]
    assert [(r["name"], r["amount"]) for r in report["by_rule"]] == [
        (f"network → {org.centers[0]}", "7.40"),
        (f"network → {org.centers[1]}", "4.94"),
        (f"servers → {org.centers[3]}", "50.00"),
    ]
    assert [u["name"] for u in report["by_business_unit"]] == list(org.units)
    assert report["unallocated"] == [{"name": "unallocated", "currency": "EUR", "amount": "1.10"}]
    assert report["total"] == [{"name": "total", "currency": "EUR", "amount": "63.44"}]

    as_text = run_cli(["costs", "allocate", "--period", month], env, tmp_path)
    assert as_text.returncode == 0, as_text.stderr
    assert as_text.stdout.startswith(f"allocation {month} version 2 ")
    assert f"  {org.centers[0]}  EUR 7.40" in as_text.stdout
    assert "unallocated:\n  unallocated  EUR 1.10" in as_text.stdout

    bad = run_cli(["costs", "allocate", "--period", "2024-13"], env, tmp_path)
    assert bad.returncode == 2 and "is not a month as YYYY-MM" in bad.stderr
    assert "Traceback" not in bad.stderr
