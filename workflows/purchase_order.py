"""One purchase order, from requisition to close (docs/purchase-order.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from adapters.ports import ErpStatusEvent, Notification
    from domain.approval import TICKET_STATE_AFTER, Effect, apply_decision, open_stage
    from domain.blanket import CallOffRequest, call_off_refusal, called_off
    from domain.catalog import Decision, PoStatus
    from domain.chain import ApprovalState, Stage
    from domain.change_orders import ChangeOrderRequest, change_order_refusal
    from domain.entitlement import DecisionRequest, Refusal, refusal
    from domain.invoicing import InvoiceRequest, invoice_refusal
    from domain.policy import OverBudget
    from domain.purchase_order import (
        BudgetMovement,
        CancelRequest,
        InformationAnswer,
        PoChange,
        PoView,
        Preparation,
        PrepareRequest,
        PurchaseOrderStart,
        StateAfter,
    )
    from domain.routing import RoutingError, emergency_stage, route
    from domain.side_effects import MESSAGE, RetryRequest, Undelivered
    from domain.temporal_names import PoQuery, PoSignal, PoUpdate, WorkflowType
    from domain.validation import RuleFailure
    from workflows import activity_calls as calls
    from workflows.after_issue_events import book_call_off, book_invoice
    from workflows.attention import StepAbandoned, StepSteward, abandon, hold
    from workflows.change_control import cleared_for_issue, missing_change_ticket
    from workflows.closing import after_issue
    from workflows.issuing import issue
    from workflows.operator_view import publish
    from workflows.projector import Projector
    from workflows.ticket_write_back import write_back
    from workflows.tier_clock import ask, run_stage

ACTIVE = (PoStatus.PENDING_APPROVAL, PoStatus.INFORMATION_REQUESTED)
HELD = (PoStatus.INFORMATION_REQUESTED, PoStatus.NEEDS_ATTENTION)  # no decision is taken


@workflow.defn(name=WorkflowType.PURCHASE_ORDER)
class PurchaseOrderWorkflow:
    """Validates, reserves budget, routes, waits for each tier's decisions with reminders and
    escalation, issues to the ERP exactly once, then sleeps until renewal windows and close.

    Every change is projected to Postgres and the audit trail, and to the search attributes."""

    @workflow.init
    def __init__(self, start: PurchaseOrderStart) -> None:
        carried = start.carried
        self.view = (
            carried.view
            if carried
            else PoView(start.po_number, start.revision, PoStatus.VALIDATING, start.requisition)
        )
        self.sequence = carried.sequence if carried else 0
        self.preparation: Preparation | None = carried.preparation if carried else None
        self.approval: ApprovalState | None = None
        self.cancel_request: CancelRequest | None = None
        self.change_request: ChangeOrderRequest | None = None  # received, not yet recorded
        self.changes = 0
        self.settled = False  # the final state is recorded; nothing more will happen
        self.projector = Projector()
        self.steward = StepSteward()

    @workflow.run
    async def run(self, start: PurchaseOrderStart) -> PoView:
        try:
            if start.carried is None and not (
                await self._prepare_and_route() and await self._approve_and_issue()
            ):
                await workflow.wait_condition(workflow.all_handlers_finished)
                await self.projector.flush()
                return self.view
            await after_issue(self)
        except StepAbandoned:
            await abandon(self)
            return self.view
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view

    # -- queries and updates -------------------------------------------------------------------

    @workflow.query(name=PoQuery.VIEW)
    def query_view(self) -> PoView:
        return self.view

    @workflow.query(name=PoQuery.RECORDED_CHANGES)
    def query_recorded_changes(self) -> int:
        """How many changes the PO has recorded (each one audit entry): ``poflow audit verify
        --workflows`` holds the trail against it."""
        return self.sequence

    @workflow.update(name=PoUpdate.DECIDE)
    async def decide(self, request: DecisionRequest) -> PoView:
        assert self.approval is not None
        stage = self.approval.stage_now()
        effect = apply_decision(self.approval, request, workflow.now())
        record = self.approval.decisions[-1]
        if effect is Effect.INFORMATION_REQUESTED:
            self.view.status = PoStatus.INFORMATION_REQUESTED
            self.view.information_request = request.comment
        elif (
            effect is Effect.REJECTED
            and self.view.status is not PoStatus.ISSUED
            and not self.view.change_pending()
        ):
            self.view.status = PoStatus.REJECTED
        self.changes += 1
        await self.record(
            f"decision.{request.action.value}",
            request.actor,
            comment=request.comment,
            on_behalf_of=record.on_behalf_of,
            decision=record,
        )
        await self._announce_decision(effect, request, stage)
        await write_back(self, TICKET_STATE_AFTER[effect], _decision_note(request, stage))
        return self.view

    @decide.validator
    def _validate_decision(self, request: DecisionRequest) -> None:
        if self.approval is None or self.view.status in HELD:
            raise ApplicationError(
                "this purchase order is not waiting for a decision", type="not_waiting"
            )
        refused = refusal(self.approval, request, workflow.now())
        if refused is not None:
            raise ApplicationError(refused.message, type=refused.rule)

    @workflow.update(name=PoUpdate.RETRY_STEP)
    async def retry_step(self, request: RetryRequest) -> PoView:
        """Run the step that failed for good again; returns once it is under way."""
        self.steward.retries_asked += 1
        self.steward.retried_by = request.actor
        await workflow.wait_condition(lambda: self.view.attention is None or self.settled)
        return self.view

    @retry_step.validator
    def _validate_retry(self, request: RetryRequest) -> None:
        if self.view.status is not PoStatus.NEEDS_ATTENTION:
            raise ApplicationError("no step of this purchase order failed", type="not_waiting")

    async def hold_failed_step(self, step: str, error: FailureError) -> None:
        await hold(self, step, error)

    @workflow.signal(name=PoSignal.ERP_STATUS)
    async def erp_status(self, event: ErpStatusEvent) -> None:
        """The ERP's word on the issued order (acknowledged, received, invoiced), once per
        event id."""
        if event.event_id in self.view.erp_events:
            return
        self.view.erp_events.append(event.event_id)
        self.view.erp_status = event.status
        await self.record(f"erp.{event.status}", "erp", comment=event.detail or event.erp_reference)

    @workflow.update(name=PoUpdate.ANSWER_INFORMATION)
    async def answer_information(self, answer: InformationAnswer) -> PoView:
        asked = self.view.information_request
        self.view.information_request = None
        self.view.status = PoStatus.PENDING_APPROVAL
        self.changes += 1
        await self.record("information.answered", answer.actor, comment=answer.answer)
        for person in self.view.waiting_on():
            await self.tell(
                person,
                "information_answered",
                f"{self.view.po_number}: answered",
                {"question": asked, "answer": answer.answer},
            )
        return self.view

    @answer_information.validator
    def _validate_answer(self, answer: InformationAnswer) -> None:
        if self.view.status is not PoStatus.INFORMATION_REQUESTED:
            raise ApplicationError("no information was requested", type="not_waiting")
        if answer.actor != self.view.requisition.requester:
            raise ApplicationError("only the requester answers", type="not_entitled")
        if not answer.answer.strip():
            raise ApplicationError("an answer is required", type="comment_required")

    @workflow.update(name=PoUpdate.CANCEL)
    async def cancel(self, request: CancelRequest) -> PoView:
        self.cancel_request = request
        self.changes += 1
        await workflow.wait_condition(lambda: self.settled)
        return self.view

    @cancel.validator
    def _validate_cancel(self, request: CancelRequest) -> None:
        held = self.view.attention
        status = held.status_before if held else self.view.status
        # An approved PO not yet issued: held for an operator, or for its change ticket.
        unissued = status is PoStatus.APPROVED and (held or self.view.held_for_change)
        if status not in (*ACTIVE, PoStatus.VALIDATING, PoStatus.ISSUED) and not unissued:
            raise ApplicationError(
                f"a {status.value} purchase order cannot be cancelled", type="not_cancellable"
            )
        is_requester = request.actor == self.view.requisition.requester
        if status is PoStatus.ISSUED and not request.actor_is_procurement:
            raise ApplicationError("after issue only procurement cancels", type="not_entitled")
        if not (is_requester or request.actor_is_procurement):
            raise ApplicationError("the requester or procurement cancels", type="not_entitled")
        if not request.reason.strip():
            raise ApplicationError("a reason is required to cancel", type="comment_required")

    @workflow.update(name=PoUpdate.CHANGE_ORDER)
    async def change_order(self, request: ChangeOrderRequest) -> PoView:
        """Returns once the change order is applied or refused, or waits for approval."""
        self.change_request = request
        self.changes += 1
        number = len(self.view.change_orders) + 1  # its record's number

        def answered() -> bool:
            records = self.view.change_orders
            return len(records) >= number and records[number - 1].answered()

        await workflow.wait_condition(lambda: answered() or self.settled)
        return self.view

    @change_order.validator
    def _validate_change_order(self, request: ChangeOrderRequest) -> None:
        view = self.view
        _refuse_with(
            change_order_refusal(
                view.status,
                view.requisition,
                request,
                self.change_request is not None or view.change_pending(),
                view.invoiced_minor(),
                called_off(view.call_offs),
            )
        )

    @workflow.update(name=PoUpdate.RECORD_INVOICE)
    async def record_invoice(self, request: InvoiceRequest) -> PoView:
        await book_invoice(self, request)
        return self.view

    @record_invoice.validator
    def _validate_invoice(self, request: InvoiceRequest) -> None:
        view = self.view
        requester = view.requisition.requester
        _refuse_with(
            invoice_refusal(view.status, request, requester, view.decisions, view.invoices)
        )

    @workflow.update(name=PoUpdate.CALL_OFF)
    async def call_off(self, request: CallOffRequest) -> PoView:
        await book_call_off(self, request)
        return self.view

    @call_off.validator
    def _validate_call_off(self, request: CallOffRequest) -> None:
        view = self.view
        _refuse_with(call_off_refusal(view.status, view.requisition, request, view.call_offs))

    # -- the steps ----------------------------------------------------------------------------

    async def _prepare_and_route(self) -> bool:
        requisition = self.view.requisition
        await self.record("requisition.submitted", requisition.requester)
        prep = await calls.prepare(
            PrepareRequest(self.view.po_number, requisition, workflow.now().date())
        )
        self.preparation = prep
        self.view.refusals, self.view.flags = list(prep.outcome.refusals), list(prep.outcome.flags)
        if not prep.outcome.accepted or prep.policy is None or prep.facts is None:
            return await self._refuse()
        missing = missing_change_ticket(self)
        if missing is not None:
            return await self._refuse(missing)
        self.view.amount_base_minor, self.view.base_currency = (
            prep.amount_base_minor,
            prep.base_currency,
        )
        self.view.rate_date, self.view.policy_id = prep.rate_date, prep.policy_id
        self.view.policy_name, self.view.policy_version = prep.policy.name, prep.policy.version
        routes_over = prep.policy.over_budget is OverBudget.ROUTE
        # The ledger itself refuses, under its per-line lock, when the policy says so.
        reservation = await calls.reserve(self.movement("reserve", allow_over=routes_over))
        if not reservation.reserved:
            failure = RuleFailure("budget_available", "amount", reservation.reason)
            return await self._refuse(failure)
        self.view.over_budget = reservation.over_budget
        facts = replace(prep.facts, over_budget=reservation.over_budget)
        try:
            stages = route(requisition, prep.policy, facts)
            emergency = emergency_stage(requisition, prep.policy, facts)
        except RoutingError as error:
            return await self._refuse(RuleFailure("routable", "policy", str(error)))
        self.view.stages = [emergency, *stages] if emergency else stages
        self.approval = ApprovalState(
            requester=requisition.requester,
            cost_center=requisition.cost_center,
            amount_base_minor=prep.amount_base_minor,
            stages=self.view.stages,
            waiting=True,
            allow_same_approver_across_tiers=prep.policy.allow_same_approver_across_tiers,
        )
        open_stage(self.approval.stages[0], workflow.now())
        self.view.decisions = self.approval.decisions  # one list: the view shows every decision
        self.view.status = PoStatus.PENDING_APPROVAL
        await self.record("requisition.routed", "poflow", with_next=True)  # the first tier opens
        waiting = ", ".join(self.view.waiting_on()) or "approvers"
        await write_back(self, "submitted", f"raised; waiting for approval by {waiting}")
        return True

    async def _approve_and_issue(self) -> bool:
        assert self.approval is not None and self.preparation and self.preparation.policy
        if self.view.requisition.emergency and self.approval.stages[0].name == "emergency":
            if not await run_stage(self, 0):
                return await self._end_unissued()
            await issue(self)
            policy = self.preparation.policy
            days = policy.emergency.after_the_fact_days if policy.emergency else 5
            self.view.emergency_post_facto_due = workflow.now() + timedelta(days=days)
            await self.record("emergency.issued", "poflow")
            await calls.record_emergency_exception(self.change("emergency.exception", "poflow"))
            if not await self.run_chain() and self.rejected():
                await self.record("emergency.rejected_after_the_fact", "poflow")
            return True
        if not await self.run_chain():
            return await self._end_unissued()
        await self._mark_approved()
        if not await cleared_for_issue(self):
            return await self._end_unissued()
        await issue(self)
        return True

    async def _mark_approved(self) -> None:
        """Every tier approved: the PO reads as approved while its issue waits on a change
        ticket or an ERP that does not answer."""
        self.view.status = PoStatus.APPROVED
        await self.record("po.approved", "poflow")

    async def run_chain(self) -> bool:
        """Every remaining stage in order; False when rejected or cancelled."""
        assert self.approval is not None
        while self.approval.waiting and not self.cancel_request:
            if not await run_stage(self, self.approval.current_stage):
                return False
        return self.cancel_request is None and not self.rejected()

    # -- helpers used by the steps and by workflows.closing ------------------------------------

    def movement(self, step: str, allow_over: bool = False) -> BudgetMovement:
        prep, requisition = self.preparation, self.view.requisition
        assert prep is not None and prep.gl_account is not None
        return BudgetMovement(
            po_number=self.view.po_number,
            revision=self.view.revision,
            cost_center=requisition.cost_center,
            gl_account=prep.gl_account,
            service_start=requisition.service_start,
            amount_base_minor=prep.amount_base_minor,
            base_currency=prep.base_currency,
            idempotency_key=f"{self.view.po_number}:{self.view.revision}:{step}",
            allow_over_budget=allow_over,
            service_end=requisition.service_end,
            rate=prep.rate,
            rate_date=prep.rate_date,
        )

    def change(self, action: str, actor: str, **extra: object) -> PoChange:
        info = workflow.info()
        return PoChange(
            sequence=self.sequence,
            workflow_id=info.workflow_id,
            run_id=info.run_id,
            occurred_at=workflow.now(),
            action=action,
            actor=actor,
            view=self.view,
            state_after=StateAfter.of(self.view),
            **extra,  # type: ignore[arg-type]
        )

    async def record(
        self, action: str, actor: str, *, with_next: bool = False, **extra: object
    ) -> None:
        """Project the change to Postgres and the audit trail, and to the Temporal UI
        (``with_next``: together with the change recorded next, see ``Projector``)."""
        self.sequence += 1
        if self.approval is not None:
            self.view.current_stage = self.approval.current_stage
        publish(self.view)
        await self.projector.project(self.change(action, actor, **extra), with_next=with_next)

    async def tell(self, person: str, kind: str, subject: str, facts: dict[str, object]) -> None:
        await self.tell_all([self.notice(person, kind, subject, facts)])

    def notice(
        self, person: str, kind: str, subject: str, facts: dict[str, object]
    ) -> Notification:
        key = f"{workflow.info().workflow_id}:{self.sequence}:{kind}:{person}"
        return Notification(person, kind, subject, self.view.po_number, key, facts)

    async def tell_all(self, notices: list[Notification]) -> None:
        """Several messages in one activity, one alone in its own. What does not go out is
        kept as undelivered, and the PO goes on."""
        failed: dict[str, str] = {}
        if len(notices) > 1:
            failed = await calls.notify_all(notices)
        else:
            for notice in notices:
                reason = await calls.notify(notice)
                if reason is not None:
                    failed[notice.idempotency_key] = reason
        now = workflow.now()
        await self.keep_undelivered(
            [
                Undelivered(MESSAGE, n.idempotency_key, n.recipient, n.subject, reason, now)
                for n in notices
                if (reason := failed.get(n.idempotency_key)) is not None
            ]
        )

    async def keep_undelivered(self, items: list[Undelivered]) -> None:
        """On the PO, for its page and the undelivered report."""
        if not items:
            return
        self.view.undelivered.extend(items)
        what = "; ".join(f"{item.subject} to {item.recipient}" for item in items)
        await self.record("side_effect.undelivered", "poflow", comment=what)

    # -- private -----------------------------------------------------------------------------

    async def _refuse(self, failure: RuleFailure | None = None) -> bool:
        if failure is not None:
            self.view.refusals.append(failure)
        self.view.status = PoStatus.REFUSED
        await self.record(
            "requisition.refused",
            "poflow",
            comment="; ".join(f.message for f in self.view.refusals),
        )
        reasons = [f.message for f in self.view.refusals]
        await write_back(self, "refused", "refused: " + "; ".join(reasons))
        await self.tell(
            self.view.requisition.requester,
            "refused",
            f"{self.view.po_number} refused",
            {"refusals": reasons},
        )
        self.settled = True
        return False

    async def _end_unissued(self) -> bool:
        await calls.release_budget(self.movement("release"))
        if self.cancel_request:
            self.view.status = PoStatus.CANCELLED
            self.view.cancel_reason = self.cancel_request.reason
            await self.record(
                "po.cancelled", self.cancel_request.actor, comment=self.cancel_request.reason
            )
            await write_back(self, "cancelled", f"cancelled: {self.cancel_request.reason}")
        # The rejecting decision already told the requester, with who and why.
        if not self.rejected():
            await self.tell(
                self.view.requisition.requester,
                self.view.status.value,
                f"{self.view.po_number} {self.view.status.value}",
                {},
            )
        self.settled = True
        return False

    def rejected(self) -> bool:
        """Whether the current approval round (the first chain, or a change order's) was
        rejected."""
        if self.approval is None:
            return False
        in_round = self.approval.stages_of_round()
        return any(
            d.action is Decision.REJECT and d.stage in in_round for d in self.approval.decisions
        )

    async def _announce_decision(
        self, effect: Effect, request: DecisionRequest, stage: Stage | None
    ) -> None:
        requester = self.view.requisition.requester
        if effect is Effect.INFORMATION_REQUESTED:
            await self.tell(
                requester,
                "information_requested",
                f"{self.view.po_number}: {request.actor} asks",
                {"question": request.comment},
            )
        elif effect is Effect.REJECTED:
            await self.tell(
                requester,
                "rejected",
                f"{self.view.po_number} rejected",
                {"by": request.actor, "comment": request.comment},
            )
        elif effect is Effect.FORWARDED and request.forward_to and stage:
            await ask(self, [request.forward_to], stage)


def _decision_note(request: DecisionRequest, stage: Stage | None) -> str:
    where = f" ({stage.name})" if stage else ""
    said = f": {request.comment}" if request.comment else ""
    return f"{request.action.value} by {request.actor}{where}{said}"


def _refuse_with(refused: Refusal | None) -> None:
    if refused is not None:
        raise ApplicationError(refused.message, type=refused.rule)
