"""The demo's subscriptions to the mailed expense summary: fiona (finance, every cost center)
and priya (owner of IT-INFRA, her centers only), monthly on the 1st. A person who already has
a subscription (or unsubscribed) is left as they chose."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cli.demo_costs import DemoApi

DEMO_SUBSCRIBERS = ("fiona", "priya")


async def subscribe_demo_summaries(api: DemoApi) -> str:
    """Subscribe each demo subscriber who never subscribed; what was done, in one line."""
    made = []
    for who in DEMO_SUBSCRIBERS:
        found = await api.call(who, "GET", "/api/dashboard/subscription")
        if found.status_code == 404:
            body = {"cost_centers": [], "frequency": "monthly", "day": 1}
            await api.json(who, "PUT", "/api/dashboard/subscription", json=body)
            made.append(who)
    subscribed = ", ".join(made) if made else "none new"
    return (
        f"expense summaries: monthly to {', '.join(DEMO_SUBSCRIBERS)} ({subscribed} subscribed now)"
    )
