"""The demo's variance investigation: fiona (finance) books the month's penetration test on
Security's consulting line, well over its budget, and runs the month's variance detection, so
lee (Security's owner) finds a variance to explain in his inbox. Idempotent: the invoice is
booked once (its reference), and a line investigated before gets no second investigation."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from cli.config import load_settings
from domain.fiscal import fiscal_period

if TYPE_CHECKING:
    from cli.demo_costs import DemoApi

# Security's consulting line has 10,000.00 EUR a month; the test costs 13,500.00.
LINE = ("IT-SEC", "6130")
AMOUNT = "13500.00"


async def open_demo_variance(api: DemoApi, month: date) -> str:
    """Book the over-budget invoice in ``month`` and detect the month's variances; one line
    saying what was found and started."""
    period = fiscal_period(month, load_settings().fiscal_year_start_month)
    invoice = {
        "cost_center": LINE[0],
        "gl_account": LINE[1],
        "fiscal_year": period.fiscal_year,
        "period": period.period,
        "amount": AMOUNT,
        "reference": f"DEMO-PENTEST-{month:%Y-%m}",
        "note": "external penetration test, invoiced in full",
    }
    await api.json("fiona", "POST", "/api/ledger/actuals", json=invoice)
    found = await api.json(
        "fiona", "POST", "/api/variances/detect", json={"period": f"{month:%Y-%m}"}
    )
    breaching, started = len(found["breaching"]), len(found["started"])
    return f"variances: {month:%Y-%m}: {breaching} lines breach, {started} investigations started"
