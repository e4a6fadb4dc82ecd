"""What callers may ask of a running PO: its Updates, signal and queries, each with the validator
that refuses it (before anything is recorded) with the rule that failed. Each handler that
changes the PO says so with ``PoState.changed``, which wakes the run."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from domain.approval import TICKET_STATE_AFTER, Effect, apply_decision
    from domain.blanket import CallOffRequest, call_off_refusal, called_off
    from domain.catalog import PoStatus
    from domain.chain import Tier
    from domain.change_orders import ChangeOrderRequest, change_order_refusal
    from domain.entitlement import DecisionRequest, Refusal, refusal
    from domain.erp_messages import ErpStatusEvent
    from domain.invoicing import InvoiceRequest, invoice_refusal
    from domain.milestone_acceptance import (
        MilestoneDecision,
        milestone_decision_refusal,
        service_owner,
        side_of,
    )
    from domain.purchase_order import CancelRequest, InformationAnswer, PoView
    from domain.receipts import ReceiptRequest, receipt_refusal
    from domain.side_effects import RetryRequest
    from domain.temporal_names import PoQuery, PoSignal, PoUpdate
    from workflows.after_issue_events import (
        book_call_off,
        book_invoice,
        book_milestone_decision,
        book_receipt,
    )
    from workflows.attention import hold
    from workflows.po_state import PoState, Routed
    from workflows.recorder import Recorder
    from workflows.ticket_write_back import write_back
    from workflows.tier_clock import notify_approvers

ACTIVE = (PoStatus.PENDING_APPROVAL, PoStatus.INFORMATION_REQUESTED)
HELD = (PoStatus.INFORMATION_REQUESTED, PoStatus.NEEDS_ATTENTION)  # no decision is taken


class PurchaseOrderHandlers:
    """The PO workflow's handlers, on the state and recorder the workflow sets up."""

    state: PoState
    recorder: Recorder

    @workflow.query(name=PoQuery.VIEW)
    def query_view(self) -> PoView:
        return self.state.view

    @workflow.query(name=PoQuery.RECORDED_CHANGES)
    def query_recorded_events(self) -> int:
        """How many events the PO has recorded (each one audit entry): ``poflow audit verify
        --workflows`` holds the trail against it."""
        return self.state.sequence

    @workflow.update(name=PoUpdate.DECIDE)
    async def decide(self, request: DecisionRequest) -> PoView:
        routed, view = self._routed(), self.state.view
        tier = routed.approval.tier_now()
        effect = apply_decision(routed.approval, request, workflow.now())
        record = routed.approval.decisions[-1]
        if effect is Effect.INFORMATION_REQUESTED:
            view.status = PoStatus.INFORMATION_REQUESTED
            view.information_request = request.comment
        elif (
            effect is Effect.REJECTED
            and view.status is not PoStatus.ISSUED
            and not view.change_pending()
        ):
            view.status = PoStatus.REJECTED
        self.state.changed()
        await self.recorder.record(
            f"decision.{request.action.value}",
            request.actor,
            comment=request.comment,
            on_behalf_of=record.on_behalf_of,
            decision=record,
        )
        await self._announce_decision(effect, request, tier)
        await write_back(self.recorder, TICKET_STATE_AFTER[effect], _decision_note(request, tier))
        return view

    @decide.validator
    def _validate_decision(self, request: DecisionRequest) -> None:
        routed = self._routed()
        if self.state.view.status in HELD:
            raise _not_waiting()
        _refuse_with(refusal(routed.approval, request, workflow.now()))

    def _routed(self) -> Routed:
        routed = self.state.routed
        if routed is None:
            raise _not_waiting()
        return routed

    @workflow.update(name=PoUpdate.RETRY_STEP)
    async def retry_step(self, request: RetryRequest) -> PoView:
        """Run the step that failed for good again; returns once it is under way."""
        state = self.state
        state.steward.retries_asked += 1
        state.steward.retried_by = request.actor
        await workflow.wait_condition(lambda: state.view.attention is None or state.settled)
        return state.view

    @retry_step.validator
    def _validate_retry(self, request: RetryRequest) -> None:
        if self.state.view.status is not PoStatus.NEEDS_ATTENTION:
            raise ApplicationError("no step of this purchase order failed", type="not_waiting")

    async def hold_failed_step(self, step: str, error: FailureError) -> None:
        """A step failed for good (``activity_calls.StepHolder``): held for an operator."""
        await hold(self.recorder, step, error)

    @workflow.signal(name=PoSignal.ERP_STATUS)
    async def erp_status(self, event: ErpStatusEvent) -> None:
        """The ERP's word on the issued order (acknowledged, received, invoiced), once per
        event id."""
        view = self.state.view
        if event.event_id in view.erp_events:
            return
        view.erp_events.append(event.event_id)
        view.erp_status = event.status
        self.state.changed()
        await self.recorder.record(
            f"erp.{event.status}", "erp", comment=event.detail or event.erp_reference
        )

    @workflow.update(name=PoUpdate.ANSWER_INFORMATION)
    async def answer_information(self, answer: InformationAnswer) -> PoView:
        view = self.state.view
        asked = view.information_request
        view.information_request = None
        view.status = PoStatus.PENDING_APPROVAL
        self.state.changed()
        await self.recorder.record("information.answered", answer.actor, comment=answer.answer)
        for person in view.waiting_on():
            await self.recorder.notify(
                person,
                "information_answered",
                f"{view.po_number}: answered",
                {"question": asked, "answer": answer.answer},
            )
        return view

    @answer_information.validator
    def _validate_answer(self, answer: InformationAnswer) -> None:
        view = self.state.view
        if view.status is not PoStatus.INFORMATION_REQUESTED:
            raise ApplicationError("no information was requested", type="not_waiting")
        if answer.actor != view.requisition.requester:
            raise ApplicationError("only the requester answers", type="not_entitled")
        if not answer.answer.strip():
            raise ApplicationError("an answer is required", type="comment_required")

    @workflow.update(name=PoUpdate.CANCEL)
    async def cancel(self, request: CancelRequest) -> PoView:
        state = self.state
        state.cancel_request = request
        state.changed()
        await workflow.wait_condition(lambda: state.settled)
        return state.view

    @cancel.validator
    def _validate_cancel(self, request: CancelRequest) -> None:
        view = self.state.view
        held = view.attention
        status = held.status_before if held else view.status
        # An approved PO not yet issued: held for an operator, or for its change ticket.
        unissued = status is PoStatus.APPROVED and (held or view.held_for_change_ticket)
        if status not in (*ACTIVE, PoStatus.VALIDATING, PoStatus.ISSUED) and not unissued:
            raise ApplicationError(
                f"a {status.value} purchase order cannot be cancelled", type="not_cancellable"
            )
        is_requester = request.actor == view.requisition.requester
        if status is PoStatus.ISSUED and not request.actor_is_procurement:
            raise ApplicationError("after issue only procurement cancels", type="not_entitled")
        if not (is_requester or request.actor_is_procurement):
            raise ApplicationError("the requester or procurement cancels", type="not_entitled")
        if not request.reason.strip():
            raise ApplicationError("a reason is required to cancel", type="comment_required")

    @workflow.update(name=PoUpdate.CHANGE_ORDER)
    async def change_order(self, request: ChangeOrderRequest) -> PoView:
        """Returns once the change order is applied or refused, or waits for approval."""
        state = self.state
        state.change_order_request = request
        state.changed()
        number = len(state.view.change_orders) + 1  # its record's number

        def answered() -> bool:
            records = state.view.change_orders
            return len(records) >= number and records[number - 1].answered()

        await workflow.wait_condition(lambda: answered() or state.settled)
        return state.view

    @change_order.validator
    def _validate_change_order(self, request: ChangeOrderRequest) -> None:
        view = self.state.view
        _refuse_with(
            change_order_refusal(
                view.status,
                view.requisition,
                request,
                self.state.change_order_request is not None or view.change_pending(),
                view.invoiced_minor(),
                called_off(view.call_offs),
            )
        )

    @workflow.update(name=PoUpdate.RECORD_INVOICE)
    async def record_invoice(self, request: InvoiceRequest) -> PoView:
        prepared = self.state.prepared
        if prepared is None:  # the validator takes invoices on issued POs only
            raise ApplicationError("this purchase order is not issued", type="not_issued")
        await book_invoice(self.recorder, prepared, request)
        return self.state.view

    @record_invoice.validator
    def _validate_invoice(self, request: InvoiceRequest) -> None:
        view = self.state.view
        requester = view.requisition.requester
        _refuse_with(
            invoice_refusal(view.status, request, requester, view.decisions, view.invoices)
        )

    @workflow.update(name=PoUpdate.RECORD_RECEIPT)
    async def record_receipt(self, request: ReceiptRequest) -> PoView:
        await book_receipt(self.recorder, request)
        return self.state.view

    @record_receipt.validator
    def _validate_receipt(self, request: ReceiptRequest) -> None:
        view = self.state.view
        today = workflow.now().date()
        _refuse_with(
            receipt_refusal(
                view.status, request, view.requisition, view.decisions, view.receipts, today
            )
        )

    @workflow.update(name=PoUpdate.DECIDE_MILESTONE)
    async def decide_milestone(self, decision: MilestoneDecision) -> PoView:
        side = side_of(decision, self._service_owner())
        if side is None:  # the validator refuses whoever holds no side
            raise ApplicationError("no side of this milestone", type="not_entitled")
        await book_milestone_decision(self.recorder, decision, side)
        return self.state.view

    @decide_milestone.validator
    def _validate_milestone_decision(self, decision: MilestoneDecision) -> None:
        view = self.state.view
        _refuse_with(
            milestone_decision_refusal(
                view.status,
                decision,
                view.requisition,
                self._service_owner(),
                view.receipts,
                view.milestone_decisions,
            )
        )

    def _service_owner(self) -> str | None:
        """The PO's cost-center owner as routing found it (``service_owner``)."""
        prepared = self.state.prepared
        if prepared is None:
            return None
        facts = prepared.facts
        requester = self.state.view.requisition.requester
        return service_owner(requester, facts.cost_center_owner, facts.manager_chain)

    @workflow.update(name=PoUpdate.CALL_OFF)
    async def call_off(self, request: CallOffRequest) -> PoView:
        await book_call_off(self.recorder, request)
        return self.state.view

    @call_off.validator
    def _validate_call_off(self, request: CallOffRequest) -> None:
        view = self.state.view
        _refuse_with(call_off_refusal(view.status, view.requisition, request, view.call_offs))

    async def _announce_decision(
        self, effect: Effect, request: DecisionRequest, tier: Tier | None
    ) -> None:
        view, recorder = self.state.view, self.recorder
        requester = view.requisition.requester
        if effect is Effect.INFORMATION_REQUESTED:
            await recorder.notify(
                requester,
                "information_requested",
                f"{view.po_number}: {request.actor} asks",
                {"question": request.comment},
            )
        elif effect is Effect.REJECTED:
            await recorder.notify(
                requester,
                "rejected",
                f"{view.po_number} rejected",
                {"by": request.actor, "comment": request.comment},
            )
        elif effect is Effect.FORWARDED and request.forward_to and tier:
            await notify_approvers(recorder, [request.forward_to], tier)


def _decision_note(request: DecisionRequest, tier: Tier | None) -> str:
    where = f" ({tier.name})" if tier else ""
    said = f": {request.comment}" if request.comment else ""
    return f"{request.action.value} by {request.actor}{where}{said}"


def _not_waiting() -> ApplicationError:
    return ApplicationError("this purchase order is not waiting for a decision", type="not_waiting")


def _refuse_with(refused: Refusal | None) -> None:
    if refused is not None:
        raise ApplicationError(refused.message, type=refused.rule)
