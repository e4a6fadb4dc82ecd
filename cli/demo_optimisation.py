"""The demo's optimisation recommendations: a small FOCUS export of the source *focus-optimise*
(rows of the FOCUS sample reshaped: a reserved VM whose commitment went unused and a VM that ran
idle, both Virtual Machines, mapped to IT-INFRA) loaded into the demo month; olga (FinOps)
runs detection over the month, accepts the unused commitment and marks the idle VM done with the
saving realised, so VM's quarterly review shows it. Idempotent: the month is loaded once,
detection adds nothing new, and a recommendation moved before is not moved again."""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.money import Money

if TYPE_CHECKING:
    from cli.demo_costs import DemoApi

SOURCE = "focus-optimise"
ACCOUNT = "555500001111"
SAMPLE_MONTH = date(2024, 9, 1)
EXPORT = "focus-optimise.csv"  # written at each run, from the FOCUS sample
SERVICE = "Virtual Machines"  # priced as VM by the demo's unit-cost model
UNUSED = {
    "ResourceId": "vm-reserved-01",
    "CommitmentDiscountId": "ri-demo-m5-large",
    "CommitmentDiscountStatus": "Unused",
    "CommitmentDiscountType": "Reserved Instance",
    "CommitmentDiscountCategory": "Usage",
    "EffectiveCost": "310.00",
    "BilledCost": "0",
    "ConsumedQuantity": "0",
    "PricingQuantity": "720",
}
IDLE = {
    "ResourceId": "vm-idle-02",
    "EffectiveCost": "450.00",
    "BilledCost": "450.00",
    "ConsumedQuantity": "6",
    "PricingQuantity": "720",
}
OF_THE_SOURCE = {
    "BillingAccountId": ACCOUNT,
    "ServiceName": SERVICE,
    "ProviderName": "Microsoft",
    "PublisherName": "Microsoft",
    "InvoiceIssuerName": "Microsoft",
}
REALISED = "400.00"  # the idle VM stopped: its next month's cost, entered by FinOps


def demo_export(sample: Path, target: Path) -> Path:
    """The two demo lines written with the FOCUS sample's header, each from its first
    September usage line: ``UNUSED`` and ``IDLE`` over its values, list and contracted costs
    equal to the effective cost, as ``OF_THE_SOURCE``."""
    with sample.open(newline="", encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    template = next(
        r
        for r in rows
        if r["BillingPeriodStart"].startswith("2024-09") and r["ChargeCategory"] == "Usage"
    )
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(template))
        writer.writeheader()
        for values in (UNUSED, IDLE):
            cost = values["EffectiveCost"]
            row = {**template, "ListCost": cost, "ContractedCost": cost, **values}
            writer.writerow({**row, **OF_THE_SOURCE})
    return target


async def demo_recommendations(api: DemoApi, month: date) -> str:
    """Load the export (once), detect the month's recommendations as olga, accept the unused
    commitment and mark the idle VM done; one line saying what stands."""
    from cli.demo_costs import SAMPLES, DemoSource, demo_source  # it imports this module

    source = DemoSource(SOURCE, "focus", "Microsoft", EXPORT, SAMPLE_MONTH, ACCOUNT, False)
    with tempfile.TemporaryDirectory() as folder:
        export = demo_export(
            SAMPLES / "focus-sample-data" / "focus_sample.csv", Path(folder) / EXPORT
        )
        await demo_source(api, source, month, None, export)
    period = f"{month:%Y-%m}"
    detected = await api.json(
        "olga", "POST", "/api/costs/recommendations/detect", json={"period": period}
    )
    found = await api.json("olga", "GET", "/api/costs/recommendations", params={"period": period})
    mine = {r["resource_id"]: r for r in found}
    await _move_to(api, mine.get(UNUSED["CommitmentDiscountId"]), ["accepted"])
    await _move_to(api, mine.get(IDLE["ResourceId"]), ["accepted", "done"])
    quarter = f"{month.year}-Q{(month.month - 1) // 3 + 1}"
    realised = Money.parse(REALISED, "EUR")
    return (
        f"recommendations: {detected['found']} in {period} ({SOURCE}: an unused reservation "
        f"accepted, an idle VM done saving {realised}); see /reports/qbr/VM?quarter={quarter}"
    )


async def _move_to(api: DemoApi, row: dict[str, Any] | None, steps: list[str]) -> None:
    """Move ``row`` through ``steps`` from where it stands (nothing when it is past them)."""
    if row is None:
        return
    order = ["open", *steps]
    for step in order[order.index(row["status"]) + 1 :] if row["status"] in order else []:
        body: dict[str, Any] = {"status": step}
        if step == "done":
            body["realised_saving_minor"] = Money.parse(REALISED, "EUR").minor
        await api.json("olga", "POST", f"/api/costs/recommendations/{row['id']}/status", json=body)
