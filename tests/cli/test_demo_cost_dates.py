"""The demo's cost month: the real samples with every date moved by whole months into the last
closed month, nothing else changed."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from cli.demo_cost_dates import demo_month, months_between, moved, write_moved_copy
from cli.demo_costs import DEMO_SOURCES, SAMPLES

# Where each sample says its billing period starts, and how it writes November 2026's first day.
PERIOD_STARTS = {
    "aws-demo": ("bill/BillingPeriodStartDate", "2026-11-01T00:00:00.000Z"),
    "azure-demo": ("BillingPeriodStartDate", "11/1/2026"),
}


def test_the_demo_month_is_the_last_closed_month_long_enough_for_the_samples() -> None:
    assert demo_month(date(2026, 12, 7)) == date(2026, 11, 1)
    assert demo_month(date(2027, 3, 2)) == date(2027, 1, 1)  # February has too few days
    assert demo_month(date(2027, 1, 15)) == date(2026, 12, 1)


def test_a_date_moves_by_whole_months_and_keeps_its_day_where_the_month_has_it() -> None:
    assert moved(date(2023, 11, 30), 36) == date(2026, 11, 30)
    assert moved(date(2023, 12, 1), 36) == date(2026, 12, 1)
    assert moved(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert months_between(date(2023, 9, 1), date(2026, 11, 1)) == 38


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        return list(csv.reader(file))


def test_every_sample_moves_its_dates_and_keeps_every_other_cell(tmp_path: Path) -> None:
    month = date(2026, 11, 1)
    for source in DEMO_SOURCES:
        original = SAMPLES / source.sample
        copy = write_moved_copy(
            original, tmp_path / "moved.csv", months_between(source.sample_month, month)
        )
        before, after = _rows(original), _rows(copy)
        assert len(before) == len(after) and before[0] == after[0]
        changed = {
            before[0][i]
            for old, new in zip(before[1:], after[1:], strict=True)
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            if a != b
        }
        assert changed and all("Date" in c or "Interval" in c or "Period" in c for c in changed)
        column, first_day = PERIOD_STARTS[source.name]
        period = before[0].index(column)
        assert {row[period] for row in after[1:]} == {first_day}
