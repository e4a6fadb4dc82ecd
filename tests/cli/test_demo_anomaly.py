"""The demo's spend anomaly: the FOCUS sample's September lines with the EC2 account's 18th
multiplied tenfold and nothing else changed; moved into the demo month, detection finds that
day and no other."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from cli.demo_anomaly import ACCOUNT, FACTOR, SAMPLE, SPIKE_DAY, spiked_sample
from cli.demo_cost_dates import months_between, write_moved_copy
from cli.demo_costs import SAMPLES
from domain.costs.anomaly_detection import findings
from domain.costs.settlement import to_minor


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        return list(csv.DictReader(file))


def _daily(rows: list[dict[str, str]]) -> dict[date, int]:
    days: dict[date, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row["BillingAccountId"] == ACCOUNT and row["EffectiveCost"] != "NULL":
            days[date.fromisoformat(row["ChargePeriodStart"][:10])] += Decimal(row["EffectiveCost"])
    return {day: to_minor(cost, "USD") for day, cost in days.items()}


def test_only_the_ec2_account_s_18th_is_multiplied_and_detection_finds_it(
    tmp_path: Path,
) -> None:
    original = SAMPLES / SAMPLE
    september = [r for r in _rows(original) if r["BillingPeriodStart"].startswith("2024-09")]
    before, after = september, _rows(spiked_sample(original, tmp_path / "spiked.csv"))
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert changed
    for old, new in changed:
        assert old["ChargePeriodStart"][8:10] == f"{SPIKE_DAY:02d}"
        assert Decimal(new["EffectiveCost"]) == FACTOR * Decimal(old["EffectiveCost"])

    month = date(2026, 11, 1)
    moved = write_moved_copy(
        tmp_path / "spiked.csv", tmp_path / "moved.csv", months_between(date(2024, 9, 1), month)
    )
    series = _daily(_rows(moved))
    assert min(series) == month
    assert [f.day for f in findings(series, min(series), max(series))] == [
        month.replace(day=SPIKE_DAY)
    ]
    assert findings(_daily(before), date(2024, 9, 1), date(2024, 9, 30)) == []
