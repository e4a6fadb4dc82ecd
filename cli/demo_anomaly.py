"""The demo's spend anomaly: the real FOCUS 1.0 sample (tests/data/costs/focus-sample-data, 30
days of September 2024; its one line of October left out) loaded into the source *focus-demo*
through the same path as the other samples, its dates moved into the demo month, and one day
of its EC2 account multiplied tenfold to show detection; detection over the month finds that
day, and since the day closed more than three days ago its owner's deadline has passed: the
finding waits on their manager.

The other demo samples give detection nothing to find: the AWS CUR sample holds 14 days (too
little history) and the Azure one a handful of lines."""

from __future__ import annotations

import asyncio
import csv
import tempfile
from calendar import monthrange
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cli.demo_costs import DemoApi

SOURCE = "focus-demo"
SAMPLE = Path("focus-sample-data") / "focus_sample.csv"
ACCOUNT = "1234567890123"
SERVICE = "Amazon Elastic Compute Cloud"
SPIKE_DAY, FACTOR = 18, 10  # the 18th: 17 days of history before it, closed before the 21st
SAMPLE_PERIOD = "2024-09"
COSTS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")


def spiked_sample(sample: Path, target: Path) -> Path:
    """The sample's lines of its September billing period (all but one, of October: a load is
    of one period) with every cost of the EC2 account's lines on the 18th times ten."""
    with sample.open(newline="", encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            if not row["BillingPeriodStart"].startswith(SAMPLE_PERIOD):
                continue
            spiked = row["ServiceName"] == SERVICE and row["BillingAccountId"] == ACCOUNT
            if spiked and row["ChargePeriodStart"][8:10] == f"{SPIKE_DAY:02d}":
                row |= {c: str(Decimal(row[c]) * FACTOR) for c in COSTS if row[c] != "NULL"}
            writer.writerow(row)
    return target


async def demo_spend_anomaly(api: DemoApi, month: date) -> str:
    """Load the spiked sample (once), run detection over the month as fiona; what it found."""
    from cli.demo_costs import SAMPLES, DemoSource, demo_source  # it imports this module

    source = DemoSource(SOURCE, "focus", "AWS", str(SAMPLE), date(2024, 9, 1), ACCOUNT, False)
    with tempfile.TemporaryDirectory() as folder:
        spiked = spiked_sample(SAMPLES / SAMPLE, Path(folder) / SAMPLE.name)
        await demo_source(api, source, month, None, spiked)
    last = month.replace(day=monthrange(month.year, month.month)[1])
    body = {"first": month.isoformat(), "last": last.isoformat()}
    await api.json("fiona", "POST", "/api/costs/anomalies/detect", json=body)
    found = await _escalated(api, month)
    runaway = [f for f in found if f["kind"] in ("account", "service")]
    waiting = sorted({p for f in runaway for p in f["waiting_on"]})
    return (
        f"spend anomalies: a day of {SOURCE} ({SERVICE}, the {SPIKE_DAY}th) multiplied "
        f"{FACTOR}-fold to show detection; {len(runaway)} runaway days found, "
        f"{sum(f['status'] == 'escalated' for f in runaway)} escalated "
        f"(waiting on {', '.join(waiting) or 'nobody yet'}); "
        f"spend with no owner or no PO: {len(found) - len(runaway)}"
    )


async def _escalated(api: DemoApi, month: date) -> list[dict[str, Any]]:
    """The month's findings once the runs of its runaway days have escalated them (a moment
    after they start), or as they stand after a minute."""
    period = {"period": f"{month:%Y-%m}"}
    for _ in range(120):
        found = await api.json("fiona", "GET", "/api/costs/anomalies", params=period)
        runaway = [f for f in found if f["kind"] in ("account", "service")]
        if runaway and all(f["status"] != "open" for f in runaway):
            break
        await asyncio.sleep(0.5)
    findings: list[dict[str, Any]] = found
    return findings
