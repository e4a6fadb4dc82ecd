"""A change order on an issued PO: reserve an increase, send it through approval again when it is
above the policy's threshold, then move the commitment by the change only and send the new
revision to the ERP. A decrease releases the difference; a delay moves the commitment."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.approval import open_stage
    from domain.catalog import PoStatus
    from domain.chain import ApprovalState, Stage
    from domain.change_orders import (
        ChangeOrderRecord,
        ChangeOrderRequest,
        amended,
        needs_reapproval,
    )
    from domain.policy import OverBudget
    from domain.purchase_order import BudgetMovement
    from domain.requisition import Requisition
    from domain.routing import RoutingError, route
    from workflows import activity_calls as calls
    from workflows.issuing import erp_order

if TYPE_CHECKING:
    from workflows.purchase_order import PurchaseOrderWorkflow


async def run_change_order(po: PurchaseOrderWorkflow, request: ChangeOrderRequest) -> None:
    """Apply, refuse or (after a rejection) drop one change order; the PO stays issued."""
    prep, view = po.preparation, po.view
    assert prep is not None and prep.policy is not None
    requisition = amended(view.requisition, request)
    amount = prep.to_base(requisition.amount())
    change = amount - view.amount_base_minor
    record = ChangeOrderRecord(
        view.revision + 1,
        request.actor,
        request.reason,
        change,
        "received",
        workflow.now(),
        number=len(view.change_orders) + 1,
    )
    view.change_orders.append(record)
    po.change_request = None  # the record, open until answered, keeps a second one out
    if change > 0:
        refused = await _reserve_increase(po, requisition, record)
        if refused is not None:
            return await _close(po, record, "refused", refused)
        if needs_reapproval(prep.policy, view.amount_base_minor, change):
            record.outcome = "pending approval"  # the caller's answer; approval goes on
            await po.record("change_order.submitted", request.actor, comment=request.reason)
            if not await _approve_again(po, requisition, record):
                await _drop_increase(po, requisition, record)
                outcome = "cancelled" if po.cancel_request else "rejected"
                return await _close(po, record, outcome, f"{outcome} in approval")
    await _apply(po, requisition, amount, record)


async def _drop_increase(
    po: PurchaseOrderWorkflow, requisition: Requisition, record: ChangeOrderRecord
) -> None:
    if record.change_base_minor > 0:
        movement = _movement(po, requisition, record, "drop-increase")
        await calls.release_reservation(movement)


async def _reserve_increase(
    po: PurchaseOrderWorkflow, requisition: Requisition, record: ChangeOrderRecord
) -> str | None:
    """Reserve the increase on its periods; the shortfall when policy refuses going over."""
    assert po.preparation is not None and po.preparation.policy is not None
    movement = replace(
        _movement(po, requisition, record, "reserve-increase"),
        amount_base_minor=record.change_base_minor,
    )
    reservation = await calls.reserve(movement)
    record.detail = "over budget" if reservation.over_budget else ""
    return None if reservation.reserved else reservation.reason


async def _approve_again(
    po: PurchaseOrderWorkflow, requisition: Requisition, record: ChangeOrderRecord
) -> bool:
    """Route the increase as if it were a requisition of that amount, and run those tiers as
    a new approval round (segregation of duties holds within the round)."""
    prep, view = po.preparation, po.view
    assert prep is not None and prep.policy is not None and prep.facts is not None
    facts = replace(
        prep.facts,
        amount_base_minor=record.change_base_minor,
        over_budget=record.detail == "over budget",
    )
    try:
        routed = route(requisition, prep.policy, facts)
    except RoutingError:
        return False
    if not routed:
        return True
    suffix = f" (change order {record.number})"
    stages = [Stage(stage.name + suffix, stage.branches) for stage in routed]
    approval = po.approval or _approval_of(po)
    first = len(view.stages)
    view.stages.extend(stages)
    approval.stages = view.stages
    approval.current_stage, approval.waiting, approval.round_starts_at = first, True, first
    view.approval_round_from = first
    open_stage(stages[0], workflow.now())
    po.approval = approval
    approved = await po.run_chain()
    view.status = PoStatus.ISSUED
    return approved


def _approval_of(po: PurchaseOrderWorkflow) -> ApprovalState:
    """The approval state rebuilt from the view (a PO that continued as new carries no other)."""
    prep, view = po.preparation, po.view
    assert prep is not None and prep.policy is not None
    return ApprovalState(
        requester=view.requisition.requester,
        cost_center=view.requisition.cost_center,
        amount_base_minor=view.amount_base_minor,
        stages=view.stages,
        current_stage=len(view.stages),
        allow_same_approver_across_tiers=prep.policy.allow_same_approver_across_tiers,
        decisions=view.decisions,
    )


async def _apply(
    po: PurchaseOrderWorkflow, requisition: Requisition, amount: int, record: ChangeOrderRecord
) -> None:
    prep, view = po.preparation, po.view
    assert prep is not None
    movement = replace(
        _movement(po, requisition, record, "change-order"),
        amount_base_minor=amount,
        change_minor=record.change_base_minor,
        as_of=workflow.now().date(),
    )
    moved = await calls.change_order(movement)
    if not moved.reserved:
        await _drop_increase(po, requisition, record)
        return await _close(po, record, "refused", moved.reason)
    view.requisition, view.revision, view.amount_base_minor = requisition, record.revision, amount
    po.preparation = replace(prep, amount_base_minor=amount)
    receipt = await calls.issue_to_erp(erp_order(po))
    view.erp_reference = receipt.erp_reference
    await _close(po, record, "applied", f"revision {record.revision}")


async def _close(
    po: PurchaseOrderWorkflow, record: ChangeOrderRecord, outcome: str, detail: str
) -> None:
    record.outcome, record.detail = outcome, detail
    await po.record(f"change_order.{outcome}", record.actor, comment=f"{record.reason}: {detail}")
    await po.tell(
        po.view.requisition.requester,
        "change_order",
        f"{po.view.po_number} change order {outcome}",
        {"revision": record.revision, "reason": record.reason, "detail": detail},
    )


def _movement(
    po: PurchaseOrderWorkflow, requisition: Requisition, record: ChangeOrderRecord, step: str
) -> BudgetMovement:
    """A budget step of this change order; what policy refuses over budget, it refuses."""
    assert po.preparation is not None and po.preparation.policy is not None
    return replace(
        po.movement(step),
        revision=record.revision,
        service_start=requisition.service_start,
        service_end=requisition.service_end,
        idempotency_key=f"{po.view.po_number}:change-{record.number}:{step}",
        allow_over_budget=po.preparation.policy.over_budget is OverBudget.ROUTE,
    )
