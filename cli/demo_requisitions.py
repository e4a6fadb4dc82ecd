"""Raising a demo requisition through the running web app and worker, and the cost-center
owner's approval of it: what the demo's outlier and FinOps POs share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cli.demo_costs import DemoApi

Po = dict[str, Any]
# Polls a PO through the API until the test holds: ``cli.demo_costs.po_when``.
Waiter = Callable[["DemoApi", str, Callable[[Po], bool]], Awaitable[Po]]
OWNER_TIER = "cost-center owner"


async def owner_approved(
    api: DemoApi, po_when: Waiter, body: Po, key: str, owner: str, comment: str
) -> str:
    """``body`` raised by alex under ``key`` (the same key: the same PO) and approved by
    ``owner`` while it waits on the cost-center owner tier; its number."""
    headers = {"Idempotency-Key": key}
    raised = await api.json("alex", "POST", "/api/requisitions", json=body, headers=headers)
    number: str = raised["po_number"]
    po = await po_when(api, number, lambda p: p["status"] != "validating")
    if po["status"] == "pending_approval" and po["current_tier"] == OWNER_TIER:
        decision = {"action": "approve", "comment": comment}
        await api.json(owner, "POST", f"/api/purchase-orders/{number}/decisions", json=decision)
    return number
