"""A change order on an issued PO: reserve an increase, send it through approval again when it is
above the policy's threshold, then move the commitment by the change only and send the new
revision to the ERP. A decrease releases the difference; a delay moves the commitment."""

from __future__ import annotations

from dataclasses import replace

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.approval import open_tier
    from domain.catalog import PoStatus
    from domain.chain import ApprovalState, Tier
    from domain.change_orders import (
        ChangeOrderRecord,
        ChangeOrderRequest,
        amended,
        needs_reapproval,
    )
    from domain.policy import OverBudget
    from domain.purchase_order import BudgetMovement, PoView
    from domain.requisition import Requisition
    from domain.routing import RoutingError, route
    from workflows import activity_calls as calls
    from workflows.issuing import erp_order
    from workflows.po_state import Prepared, Routed, Verdict
    from workflows.recorder import Recorder
    from workflows.tier_clock import run_chain


async def run_change_order(po: Recorder, prepared: Prepared, request: ChangeOrderRequest) -> None:
    """Apply, refuse or (after a rejection) drop one change order; the PO stays issued."""
    view, state = po.view, po.state
    requisition = amended(view.requisition, request)
    amount = prepared.preparation.to_base(requisition.amount())
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
    state.change_order_request = None  # the record, open until answered, keeps a second one out
    if change > 0:
        refused = await _reserve_increase(po, prepared, requisition, record)
        if refused is not None:
            return await _close(po, record, "refused", refused)
        if needs_reapproval(prepared.policy, view.amount_base_minor, change):
            record.outcome = "pending approval"  # the caller's answer; approval goes on
            await po.record("change_order.submitted", request.actor, comment=request.reason)
            verdict = await _approve_again(po, prepared, requisition, record)
            if verdict is not Verdict.APPROVED:
                await _drop_increase(po, prepared, requisition, record)
                outcome = "cancelled" if state.cancel_request else "rejected"
                return await _close(po, record, outcome, f"{outcome} in approval")
    await _apply(po, prepared, requisition, amount, record)


async def _drop_increase(
    po: Recorder, prepared: Prepared, requisition: Requisition, record: ChangeOrderRecord
) -> None:
    if record.change_base_minor > 0:
        movement = _movement(po, prepared, requisition, record, "drop-increase")
        await calls.release_reservation(movement)


async def _reserve_increase(
    po: Recorder, prepared: Prepared, requisition: Requisition, record: ChangeOrderRecord
) -> str | None:
    """Reserve the increase on its periods; the shortfall when policy refuses going over."""
    movement = replace(
        _movement(po, prepared, requisition, record, "reserve-increase"),
        amount_base_minor=record.change_base_minor,
    )
    reservation = await calls.reserve(movement)
    record.detail = "over budget" if reservation.over_budget else ""
    return None if reservation.reserved else reservation.reason


async def _approve_again(
    po: Recorder, prepared: Prepared, requisition: Requisition, record: ChangeOrderRecord
) -> Verdict:
    """Route the increase as if it were a requisition of that amount, and run those tiers as
    a new approval round (segregation of duties holds within the round)."""
    view, state = po.view, po.state
    facts = replace(
        prepared.facts,
        amount_base_minor=record.change_base_minor,
        over_budget=record.detail == "over budget",
    )
    try:
        routed = route(requisition, prepared.policy, facts)
    except RoutingError:
        return Verdict.REJECTED
    if not routed:
        return Verdict.APPROVED
    suffix = f" (change order {record.number})"
    tiers = [Tier(tier.name + suffix, tier.branches) for tier in routed]
    earlier = state.routed
    approval = earlier.approval if earlier else _approval_of(view, prepared)
    first = len(view.tiers)
    view.tiers.extend(tiers)
    approval.tiers = view.tiers
    approval.tier_index, approval.waiting, approval.round_starts_at = first, True, first
    view.approval_round_from = first
    open_tier(tiers[0], workflow.now())
    round_ = Routed(prepared, approval)
    state.phase = round_
    verdict = await run_chain(po, round_)
    view.status = PoStatus.ISSUED
    return verdict


def _approval_of(view: PoView, prepared: Prepared) -> ApprovalState:
    """The approval state rebuilt from the view (a PO that continued as new carries no other)."""
    return ApprovalState(
        requester=view.requisition.requester,
        cost_center=view.requisition.cost_center,
        amount_base_minor=view.amount_base_minor,
        tiers=view.tiers,
        tier_index=len(view.tiers),
        allow_same_approver_across_tiers=prepared.policy.allow_same_approver_across_tiers,
        decisions=view.decisions,
    )


async def _apply(
    po: Recorder,
    prepared: Prepared,
    requisition: Requisition,
    amount: int,
    record: ChangeOrderRecord,
) -> None:
    view = po.view
    movement = replace(
        _movement(po, prepared, requisition, record, "change-order"),
        amount_base_minor=amount,
        change_minor=record.change_base_minor,
        as_of=workflow.now().date(),
    )
    moved = await calls.change_order(movement)
    if not moved.reserved:
        await _drop_increase(po, prepared, requisition, record)
        return await _close(po, record, "refused", moved.reason)
    view.requisition, view.revision, view.amount_base_minor = requisition, record.revision, amount
    prepared.preparation = replace(prepared.preparation, amount_base_minor=amount)
    receipt = await calls.issue_to_erp(erp_order(view, prepared))
    view.erp_reference = receipt.erp_reference
    await _close(po, record, "applied", f"revision {record.revision}")


async def _close(po: Recorder, record: ChangeOrderRecord, outcome: str, detail: str) -> None:
    record.outcome, record.detail = outcome, detail
    await po.record(f"change_order.{outcome}", record.actor, comment=f"{record.reason}: {detail}")
    await po.notify(
        po.view.requisition.requester,
        "change_order",
        f"{po.view.po_number} change order {outcome}",
        {"revision": record.revision, "reason": record.reason, "detail": detail},
    )


def _movement(
    po: Recorder, prepared: Prepared, requisition: Requisition, record: ChangeOrderRecord, step: str
) -> BudgetMovement:
    """A budget step of this change order; what policy refuses over budget, it refuses."""
    return replace(
        prepared.movement(po.view, step),
        revision=record.revision,
        service_start=requisition.service_start,
        service_end=requisition.service_end,
        idempotency_key=f"{po.view.po_number}:change-{record.number}:{step}",
        allow_over_budget=prepared.policy.over_budget is OverBudget.ROUTE,
    )
