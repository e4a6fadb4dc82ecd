"""The demo's new cloud spend under FinOps review, raised by ``poflow up`` through the running
web app and worker: a GPU training cluster from Northwind at 11,000.00 EUR a month for two
months, approved by priya (IT-INFRA's owner), waits on the policy's "finops review" tier (olga)
because it is new cloud spend of 10,000.00 EUR a month or more (docs/policies.md, "FinOps
review gates"). Idempotent: the same key raises the same PO."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from cli.demo_requisitions import Po, Waiter, owner_approved

if TYPE_CHECKING:
    from cli.demo_costs import DemoApi

FINOPS_KEY = "demo-finops-po"
FINOPS_TIER = "finops review"


async def raise_demo_cloud_spend(api: DemoApi, today: date, po_when: Waiter) -> str:
    """The cloud requisition waiting on FinOps; what was done, in one line."""
    body = _gpu_cluster(today + timedelta(days=14))
    comment = "Training runs planned for Q1"
    number = await owner_approved(api, po_when, body, FINOPS_KEY, "priya", comment)
    po = await po_when(api, number, _past_the_owner)
    waiting = ", ".join(po["current_approvers"] or ())
    return f"demo cloud spend: {number} waits on {po['current_tier']} ({waiting})"


def _past_the_owner(po: Po) -> bool:
    return bool(po["status"] != "pending_approval" or po["current_tier"] == FINOPS_TIER)


def _gpu_cluster(start: date) -> Po:
    """Two months of GPU instances: 22,000.00 EUR, 11,000.00 EUR a month."""
    end = start + timedelta(days=60)
    return {
        "title": "GPU cluster for model training",
        "cost_center": "IT-INFRA",
        "vendor": "Northwind Cloud Services",
        "service_type": "cloud_infrastructure",
        "currency": "EUR",
        "contract": "MSA-NW-01",
        "gl_account": "6100",
        "business_case_ref": "BC-2026-512",
        "lines": [
            {
                "description": "GPU instances, 8 nodes, two months",
                "quantity": 1,
                "unit_price": "22000.00",
                "service_start": start.isoformat(),
                "service_end": end.isoformat(),
            }
        ],
    }
