"""One purchase order, from requisition to close (docs/purchase-order.md).

Its life, in ``PurchaseOrderWorkflow.run``: prepare and route the requisition (or refuse it),
approve it tier by tier and issue it (an emergency PO is issued after its first tier and
approved after the fact), then, once issued, live until it closes or is cancelled
(``workflows.closing``). What callers may ask of it meanwhile is in ``workflows.po_handlers``."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from enum import Enum

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.approval import open_tier
    from domain.catalog import PoStatus
    from domain.chain import ApprovalState
    from domain.policy import OverBudget
    from domain.purchase_order import PoView, PrepareRequest, PurchaseOrderStart
    from domain.routing import RoutingError, emergency_tier, route
    from domain.temporal_names import WorkflowType
    from domain.validation import FieldRefusal
    from workflows import activity_calls as calls
    from workflows.attention import StepAbandoned, abandon
    from workflows.change_control import cleared_for_issue, missing_change_ticket
    from workflows.closing import after_issue
    from workflows.issuing import issue
    from workflows.po_handlers import PurchaseOrderHandlers
    from workflows.po_state import PoState, Prepared, Routed, Verdict
    from workflows.recorder import Recorder
    from workflows.ticket_write_back import write_back
    from workflows.tier_clock import run_chain, run_tier


class Ending(Enum):
    """How the PO's life before issue ended."""

    ISSUED = "issued"  # it lives on until it closes
    REFUSED = "refused"  # validation, budget, routing or change control said no
    UNISSUED = "unissued"  # rejected or cancelled before issue


@workflow.defn(name=WorkflowType.PURCHASE_ORDER)
class PurchaseOrderWorkflow(PurchaseOrderHandlers):
    """Validates, reserves budget, routes, waits for each tier's decisions with reminders and
    escalation, issues to the ERP exactly once, then sleeps until renewal windows and close.

    Every event is projected to Postgres and the audit trail, and to the search attributes."""

    @workflow.init
    def __init__(self, start: PurchaseOrderStart) -> None:
        carried = start.carried
        if carried is not None:
            self.state = PoState(carried.view, carried.sequence, Prepared.of(carried.preparation))
        else:
            view = PoView(start.po_number, start.revision, PoStatus.VALIDATING, start.requisition)
            self.state = PoState(view, 0, None)
        self.recorder = Recorder(self.state)

    @workflow.run
    async def run(self, start: PurchaseOrderStart) -> PoView:
        """The PO's life: until issued (a PO carried into a new run already is), then after
        issue until it closes or is cancelled. A cancel while a step waits for an operator
        abandons the step and ends the PO there."""
        state = self.state
        try:
            ending = Ending.ISSUED if start.carried else await self._until_issued()
            if ending is Ending.ISSUED and state.prepared is not None:
                await after_issue(self.recorder, state.prepared)
        except StepAbandoned as abandoned:
            await abandon(self.recorder, abandoned.request)
            return state.view
        await workflow.wait_condition(workflow.all_handlers_finished)
        if ending is not Ending.ISSUED:
            await self.recorder.flush()
        return state.view

    async def _until_issued(self) -> Ending:
        """Prepared and routed, then approved and issued, or ended before issue."""
        routed = await self._prepare_and_route()
        if isinstance(routed, Ending):
            return routed
        if self.state.view.requisition.emergency and routed.approval.tiers[0].name == "emergency":
            return await self._issue_then_approve(routed)
        return await self._approve_then_issue(routed)

    # -- the phases ---------------------------------------------------------------------------

    async def _prepare_and_route(self) -> Routed | Ending:
        """Validate the requisition, reserve its budget and route it to its first tier."""
        view, po = self.state.view, self.recorder
        requisition = view.requisition
        await po.record("requisition.submitted", requisition.requester)
        prep = await calls.prepare(
            PrepareRequest(view.po_number, requisition, workflow.now().date())
        )
        view.refusals, view.flags = list(prep.outcome.refusals), list(prep.outcome.flags)
        prepared = Prepared.of(prep) if prep.outcome.accepted else None
        if prepared is None:
            return await self._refuse()
        self.state.phase = prepared
        missing = missing_change_ticket(view, prepared)
        if missing is not None:
            return await self._refuse(missing)
        view.amount_base_minor, view.base_currency = prep.amount_base_minor, prep.base_currency
        view.rate_date, view.policy_id = prep.rate_date, prep.policy_id
        view.policy_name, view.policy_version = prepared.policy.name, prepared.policy.version
        # Shown to approvers; a history started before scoring existed has None (no command).
        view.anomaly_score = prepared.facts.anomaly_score
        view.anomaly_reason = prepared.facts.anomaly_reason
        routes_over = prepared.policy.over_budget is OverBudget.ROUTE
        # The ledger itself refuses, under its per-line lock, when the policy says so.
        reservation = await calls.reserve(
            prepared.movement(view, "reserve", allow_over=routes_over)
        )
        if not reservation.reserved:
            return await self._refuse(
                FieldRefusal("budget_available", "amount", reservation.reason)
            )
        view.over_budget = reservation.over_budget
        facts = replace(prepared.facts, over_budget=reservation.over_budget)
        try:
            tiers = route(requisition, prepared.policy, facts)
            emergency = emergency_tier(requisition, prepared.policy, facts)
        except RoutingError as error:
            return await self._refuse(FieldRefusal("routable", "policy", str(error)))
        view.tiers = [emergency, *tiers] if emergency else tiers
        routed = Routed(prepared, self._first_approval(prepared))
        self.state.phase = routed
        view.status = PoStatus.PENDING_APPROVAL
        await po.record("requisition.routed", "poflow", with_next=True)  # the first tier opens
        waiting = ", ".join(view.waiting_on()) or "approvers"
        await write_back(po, "submitted", f"raised; waiting for approval by {waiting}")
        return routed

    def _first_approval(self, prepared: Prepared) -> ApprovalState:
        view = self.state.view
        approval = ApprovalState(
            requester=view.requisition.requester,
            cost_center=view.requisition.cost_center,
            amount_base_minor=prepared.preparation.amount_base_minor,
            tiers=view.tiers,
            waiting=True,
            allow_same_approver_across_tiers=prepared.policy.allow_same_approver_across_tiers,
        )
        open_tier(approval.tiers[0], workflow.now())
        view.decisions = approval.decisions  # one list: the view shows every decision
        return approval

    async def _approve_then_issue(self, routed: Routed) -> Ending:
        """Every tier approves, the change ticket (if the policy names one) is approved, and
        the PO is issued."""
        if await run_chain(self.recorder, routed) is not Verdict.APPROVED:
            return await self._end_unissued(routed)
        # The PO reads as approved while its issue waits on a change ticket or the ERP.
        self.state.view.status = PoStatus.APPROVED
        await self.recorder.record("po.approved", "poflow")
        if not await cleared_for_issue(self.recorder, routed.prepared):
            return await self._end_unissued(routed)
        await issue(self.recorder, routed.prepared)
        return Ending.ISSUED

    async def _issue_then_approve(self, routed: Routed) -> Ending:
        """An emergency PO: issued once its emergency tier approves, then approved by the
        usual tiers after the fact (a rejection then is recorded; the PO stays issued)."""
        po, view = self.recorder, self.state.view
        if await run_tier(po, routed, 0) is not Verdict.APPROVED:
            return await self._end_unissued(routed)
        await issue(po, routed.prepared)
        emergency = routed.prepared.policy.emergency
        days = emergency.after_the_fact_days if emergency else 5
        view.emergency_post_facto_due = workflow.now() + timedelta(days=days)
        await po.record("emergency.issued", "poflow")
        await calls.record_emergency_exception(po.uncounted_change("emergency.exception", "poflow"))
        if await run_chain(po, routed) is Verdict.REJECTED:
            await po.record("emergency.rejected_after_the_fact", "poflow")
        return Ending.ISSUED

    # -- how a PO ends before issue -------------------------------------------------------------

    async def _refuse(self, failure: FieldRefusal | None = None) -> Ending:
        view, po = self.state.view, self.recorder
        if failure is not None:
            view.refusals.append(failure)
        view.status = PoStatus.REFUSED
        reasons = [f.message for f in view.refusals]
        await po.record("requisition.refused", "poflow", comment="; ".join(reasons))
        await write_back(po, "refused", "refused: " + "; ".join(reasons))
        await po.notify(
            view.requisition.requester,
            "refused",
            f"{view.po_number} refused",
            {"refusals": reasons},
        )
        self.state.settled = True
        return Ending.REFUSED

    async def _end_unissued(self, routed: Routed) -> Ending:
        """Rejected, or cancelled: the reservation is released and the requester told."""
        view, po, cancel = self.state.view, self.recorder, self.state.cancel_request
        await calls.release_budget(routed.prepared.movement(view, "release"))
        if cancel:
            view.status, view.cancel_reason = PoStatus.CANCELLED, cancel.reason
            await po.record("po.cancelled", cancel.actor, comment=cancel.reason)
            await write_back(po, "cancelled", f"cancelled: {cancel.reason}")
        # The rejecting decision already told the requester, with who and why.
        if not routed.rejected():
            status = view.status.value
            await po.notify(view.requisition.requester, status, f"{view.po_number} {status}", {})
        self.state.settled = True
        return Ending.UNISSUED
