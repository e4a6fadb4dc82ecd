"""The demo month's close, through the running web app and worker: fiona starts it, felix (also
finance) approves its accrual journal, which goes to the ERP simulator and, the next month having
begun, is reversed there; the ledger is then reconciled against the simulator's GL. Idempotent:
a second run finds the close done and changes nothing."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Any

from domain.money import Money

if TYPE_CHECKING:
    from cli.demo_costs import DemoApi

WAIT_SECONDS = 120
DONE = ("reversed", "rejected")


async def close_demo_month(api: DemoApi, month: date) -> str:
    """Close ``month`` (no grace: the demo's data is complete); what was done, in one line."""
    period = f"{month:%Y-%m}"
    await api.json("fiona", "POST", "/api/close", json={"period": period, "grace_days": 0})
    close = await _close_when(api, period, lambda s: s not in ("waiting_for_period_end", "drafted"))
    if close["run"]["status"] == "awaiting_approval":
        decision = {"approve": True, "comment": "Accruals reviewed for the demo"}
        await api.json("felix", "POST", f"/api/close/{period}/decision", json=decision)
    close = await _close_when(api, period, lambda status: status in DONE)
    run = close["run"]
    # What the month's budget lines hold as accrued (the ledger's base currency, the demo's EUR).
    accrued = Money(sum(line["accrued_minor"] for line in close["ledger_accruals"]), "EUR")
    return (
        f"demo close: {period} accrued {accrued}, approved by {run['approved_by']}, "
        f"in the ERP as {run['accrual_erp_reference']} and reversed as "
        f"{run['reversal_erp_reference']}; {len(close['differences'])} GL differences listed"
    )


async def _close_when(api: DemoApi, period: str, ready: Any) -> dict[str, Any]:
    for _ in range(WAIT_SECONDS * 2):
        answer = await api.call("fiona", "GET", f"/api/close/{period}")
        if answer.is_success and ready(answer.json()["run"]["status"]):
            found: dict[str, Any] = answer.json()
            return found
        await asyncio.sleep(0.5)
    raise TimeoutError(f"the close of {period} did not get there: {answer.text}")
