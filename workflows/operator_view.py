"""What operators see of a PO in the Temporal UI: search attributes and current details."""

from __future__ import annotations

from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

with workflow.unsafe.imports_passed_through():
    from domain.catalog import PoStatus
    from domain.money import Money
    from domain.purchase_order import PoView
    from workflows import search_attributes as sa


def status_label(status: PoStatus) -> str:
    """``pending_approval`` → ``PendingApproval``, the form operators filter by."""
    return "".join(part.capitalize() for part in status.value.split("_"))


def one_line(view: PoView) -> str:
    """E.g. ``PO-1042 · 48,000.00 EUR · waiting on tom (tier 2/4)``."""
    amount = Money(view.amount_base_minor, view.base_currency) if view.amount_base_minor else None
    parts = [view.po_number, str(amount or view.requisition.amount())]
    tier = view.current_tier()
    if tier is not None:
        waiting = ", ".join(view.waiting_on())
        parts.append(f"waiting on {waiting} ({tier}, tier {view.tier_index + 1}/{len(view.tiers)})")
    else:
        parts.append(status_label(view.status))
    return " · ".join(parts)


def publish(view: PoView) -> None:
    """Upsert the search attributes that changed, and the one-line current details."""
    current = workflow.info().typed_search_attributes
    updates = [u for u in _attributes(view) if _normal(current.get(u.key)) != _normal(u.value)]
    if updates:
        workflow.upsert_search_attributes(updates)
    workflow.set_current_details(one_line(view))


def _attributes(view: PoView) -> list[SearchAttributeUpdate[Any]]:
    requisition = view.requisition
    return [
        sa.PO_NUMBER.value_set(view.po_number),
        sa.PO_STATUS.value_set(status_label(view.status)),
        sa.COST_CENTER.value_set(requisition.cost_center),
        sa.AMOUNT_BASE.value_set(view.amount_base_minor),
        sa.VENDOR.value_set(requisition.vendor),
        sa.CURRENT_APPROVER.value_set(view.waiting_on()),
        sa.REQUESTER.value_set(requisition.requester),
        sa.IS_EMERGENCY.value_set(requisition.emergency),
    ]


def _normal(value: object) -> object:
    """Temporal keeps no empty keyword list: an empty list reads back as unset."""
    return None if value == [] else value
