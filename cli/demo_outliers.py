"""The demo's outlier PO, raised by ``poflow up`` through the running web app and worker: six
architect-day POs from Fabrikam Consulting at its usual day rates, approved by sam and issued,
give the history; then a day at a rate far above it, approved by sam, waits on procurement's
outlier review (paul) with the reason on its page (docs/policies.md, "Outlier POs").
Idempotent: each PO has its own key, so a second run finds them and adds nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from cli.demo_requisitions import Po, Waiter, owner_approved

if TYPE_CHECKING:
    from cli.demo_costs import DemoApi

USUAL_DAY_RATES = ("1300.00", "1350.00", "1380.00", "1320.00", "1400.00", "1350.00")  # EUR
OUTLIER_DAY_RATE = "9500.00"
OUTLIER_KEY = "demo-outlier-po"
REVIEW_TIER = "outlier review"


async def raise_demo_outlier(api: DemoApi, today: date, po_when: Waiter) -> str:
    """The history issued and the outlier waiting on its review; what was done, in one line."""
    for n, rate in enumerate(USUAL_DAY_RATES):
        body = _architect_days(rate, today + timedelta(days=14 + 30 * n))
        number = await _approved(api, po_when, body, f"demo-outlier-history-{n + 1}")
        await po_when(api, number, lambda p: p["status"] in ("issued", "closed"))
    outlier = _architect_days(OUTLIER_DAY_RATE, today + timedelta(days=21))
    number = await _approved(api, po_when, outlier, OUTLIER_KEY)
    po = await po_when(api, number, lambda p: p["status"] != "pending_approval" or _reviewed(p))
    return f"demo outlier: {number} waits on {po['current_tier']}: {po['detail']['anomaly_reason']}"


def _reviewed(po: Po) -> bool:
    return bool(po["current_tier"] == REVIEW_TIER)


async def _approved(api: DemoApi, po_when: Waiter, body: Po, key: str) -> str:
    """Raised by alex and approved by sam, the owner of IT-APPS."""
    return await owner_approved(api, po_when, body, key, "sam", "Architecture review as planned")


def _architect_days(day_rate: str, start: date) -> Po:
    return {
        "title": "Architecture review",
        "cost_center": "IT-APPS",
        "vendor": "Fabrikam Consulting",
        "service_type": "professional_services",
        "currency": "EUR",
        "contract": "MSA-FB-01",
        "gl_account": "6130",
        "business_case_ref": "BC-2026-410",
        "lines": [
            {
                "description": "Solution architect, per day",
                "quantity": 1,
                "unit_price": day_rate,
                "service_start": start.isoformat(),
                "service_end": start.isoformat(),
            }
        ],
    }
