"""A real FOCUS file's rows as cost-line columns, as a load normalises them, for tests that swap
them into a month of their own (tests/models/costs/priced.py ``load_lines``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.costs.lines import column_name
from tests.builders.cost_files import DATA, normalised

SPEC_UNUSED = (
    DATA
    / "focus-spec-examples"
    / "zero_percent_utilization_without_commitment_discount_flexibility.csv"
)
FOCUS_SAMPLE = DATA / "focus-sample-data" / "focus_sample.csv"
MOVED = ("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd")
IDS = ("ResourceId", "CommitmentDiscountId")


def focus_lines(path: Path, tag: str) -> list[dict[str, Any]]:
    """The file's rows normalised, as cost-line columns, without their dates (the month they
    are loaded into gives them); resource and commitment ids suffixed with ``tag`` so tests
    sharing a month do not meet."""
    rows = []
    for row in normalised(path):
        values = {k: v for k, v in row.focus.items() if k not in MOVED and k != "Tags"}
        for name in IDS:
            if values.get(name):
                values[name] = f"{values[name]}-{tag}"
        rows.append({column_name(k): v for k, v in values.items() if v is not None})
    return rows
