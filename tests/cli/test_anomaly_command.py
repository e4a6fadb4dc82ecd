"""``poflow costs anomalies`` against a database holding a real FOCUS export with one day of its
EC2 account multiplied tenfold, after detection: the month's findings, newest day first, with
their owner and outcome; a month that is not YYYY-MM is refused."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from temporalio.testing import ActivityEnvironment

from activities.costs.anomalies import AnomalyActivities
from domain.costs.spend_anomalies import DetectionRequest
from models.db import build_engine, session_factory
from tests.builders.spend_anomalies import ACCOUNT, EC2, SPIKE, load_spiked_sample
from tests.cli.command import poflow
from tests.conftest import app_role_url, fresh_database


def test_the_month_s_findings_are_listed_with_their_owner(
    postgres_admin_url: str, tmp_path: Path
) -> None:
    url = app_role_url(fresh_database(postgres_admin_url, "poflow_anomaly_cli_test"))
    engine = build_engine(url, pool_size=1)
    sample = load_spiked_sample(engine, tmp_path)
    request = DetectionRequest(date(2024, 9, 1), date(2024, 9, 30))
    ActivityEnvironment().run(
        AnomalyActivities(session_factory(engine)).detect_spend_anomalies, request
    )
    engine.dispose()

    listed = poflow(["costs", "anomalies", "--period", "2024-09", "--json"], url, tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    runaway = {(r["kind"], r["series_key"], r["day"], r["owner"]) for r in rows if r["score"]}
    assert runaway == {
        ("account", ACCOUNT, str(SPIKE), sample.owner),
        ("service", EC2, str(SPIKE), sample.owner),
    }
    assert [r["day"] for r in rows] == sorted((r["day"] for r in rows), reverse=True)
    text = poflow(["costs", "anomalies", "--period", "2024-09"], url, tmp_path).stdout
    assert f"{SPIKE}  account  {ACCOUNT}" in text and "open" in text

    refused = poflow(["costs", "anomalies", "--period", "Sept"], url, tmp_path)
    assert refused.returncode == 2 and "'Sept' is not a month, YYYY-MM" in refused.stderr
