"""The renewal of a PO's contracted service, started at its first notice window."""

from __future__ import annotations

from datetime import UTC, datetime, time

from temporalio import workflow
from temporalio.exceptions import ApplicationError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.notifications import Notification
    from domain.purchase_order import PurchaseOrderStart
    from domain.renewal import (
        ContractRenewal,
        RenewalAction,
        RenewalDecision,
        RenewalStart,
        RenewalView,
        notice_deadline,
        renewed_requisition,
    )
    from domain.temporal_names import PoQuery, PoUpdate, WorkflowType, workflow_id_for
    from workflows import activity_calls as calls
    from workflows.run_audit import audit_step, came_within


# Runs that meet this patch read the PO's consumption from the cost data at each window.
CONSUMPTION_FROM_COSTS = "renewal-consumption-from-costs"


@workflow.defn(name=WorkflowType.RENEWAL)
class RenewalWorkflow:
    """Tells the service owner at each notice window (consumption against commitment, the
    vendor's notice deadline, auto-renewal), then acts on the decision: renew (a new PO from a
    pre-filled requisition), renegotiate (procurement is told; the window stays open) or
    terminate (notice recorded, refused once the vendor's deadline has passed)."""

    @workflow.init
    def __init__(self, start: RenewalStart) -> None:
        self.start = start
        self.view = RenewalView(
            start.po_number,
            start.contract,
            start.contract_end,
            notice_deadline(start.contract_end, start.vendor_notice_days),
        )
        self.sequence = 0

    @workflow.run
    async def run(self, start: RenewalStart) -> RenewalView:
        for window in start.windows:
            if await self._sleep_until(window):
                break
            await self._announce_window()
        end = datetime.combine(start.contract_end, time(23, 59), UTC)
        if not await self._sleep_until(end):
            self.view.status = "auto_renewed" if start.auto_renew else "lapsed"
            await self._audit(f"renewal.{self.view.status}", "poflow")
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view

    @workflow.query(name=PoQuery.VIEW)
    def query_view(self) -> RenewalView:
        return self.view

    @workflow.update(name=PoUpdate.DECIDE)
    async def decide(self, decision: RenewalDecision) -> RenewalView:
        self.view.decisions.append(decision)
        if decision.action is RenewalAction.RENEW:
            self.view.renewal_po = await self._start_renewal_po(decision.uplift_basis_points)
            self.view.status = "renewed"
        elif decision.action is RenewalAction.TERMINATE:
            self.view.status = "terminated"
        else:
            self.view.status = "renegotiating"
        await self._audit(f"renewal.{decision.action.value}", decision.actor, decision.comment)
        await self._tell_procurement(f"{self.start.contract}: {self.view.status}")
        return self.view

    @decide.validator
    def _validate(self, decision: RenewalDecision) -> None:
        if self.view.status in ("renewed", "terminated", "auto_renewed", "lapsed"):
            raise ApplicationError(f"the renewal is already {self.view.status}", type="not_waiting")
        if decision.actor != self.start.service_owner and not decision.actor_is_procurement:
            raise ApplicationError("the service owner or procurement decides", type="not_entitled")
        if (
            decision.action is RenewalAction.TERMINATE
            and workflow.now().date() > self.view.notice_deadline
        ):
            raise ApplicationError(
                f"the vendor's notice deadline {self.view.notice_deadline} has passed",
                type="notice_deadline_passed",
            )

    async def _sleep_until(self, instant: datetime) -> bool:
        """Wait until ``instant``; True if a final decision came first."""
        remaining = instant - workflow.now()
        if remaining.total_seconds() <= 0:
            return self._decided()
        return await came_within(self._decided, remaining)

    def _decided(self) -> bool:
        return self.view.status in ("renewed", "terminated")

    async def _announce_window(self) -> None:
        start = self.start
        facts = {
            "contract_end": start.contract_end.isoformat(),
            "notice_deadline": self.view.notice_deadline.isoformat(),
            "auto_renew": start.auto_renew,
            "committed_base_minor": start.committed_base_minor,
            "base_currency": start.base_currency,
        }
        if workflow.patched(CONSUMPTION_FROM_COSTS):
            consumed = await calls.po_consumption(start.po_number, start.base_currency)
            self.view.consumed_base_minor = facts["consumed_base_minor"] = consumed
        key = f"{workflow.info().workflow_id}:window:{self.sequence}"
        await calls.send_notification(
            Notification(
                start.service_owner,
                "renewal_window",
                f"{start.contract} ends {start.contract_end}: renew, renegotiate or terminate",
                start.po_number,
                key,
                facts,
            )
        )
        await self._audit("renewal.window_opened", "poflow")

    async def _start_renewal_po(self, uplift_basis_points: int) -> str:
        """Renew the MSA to cover the next service period, then raise the renewal PO."""
        requisition = renewed_requisition(self.start.requisition, uplift_basis_points)
        await calls.renew_contract(ContractRenewal(self.start.contract, requisition.service_end))
        po_number = await calls.allocate_po_number()
        await workflow.start_child_workflow(
            WorkflowType.PURCHASE_ORDER,
            PurchaseOrderStart(po_number, requisition),
            id=workflow_id_for(po_number),
            parent_close_policy=ParentClosePolicy.ABANDON,
        )
        return po_number

    async def _tell_procurement(self, subject: str) -> None:
        key = f"{workflow.info().workflow_id}:procurement:{self.sequence}"
        await calls.send_notification(
            Notification("procurement", "renewal", subject, self.start.po_number, key)
        )

    async def _audit(self, action: str, actor: str, comment: str = "") -> None:
        self.sequence += 1
        after = {
            "status": self.view.status,
            "contract": self.start.contract,
            "renewal_po": self.view.renewal_po,
            "comment": comment or None,
        }
        entity = ("purchase_order", self.start.po_number)
        await audit_step(action, actor, entity, str(self.sequence), after)
