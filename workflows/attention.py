"""A PO whose step failed for good waits in ``needs_attention``, holding no worker slot, until an
operator retries the step (the ``retry_step`` Update) or cancels the PO; the other POs flow on.

The hold is recorded once (status, search attribute, read model when it can be written, one log
line); a failure while recording it is not held again. A cancel while held abandons the step:
``StepAbandoned`` unwinds to the workflow's run, which ends the PO cancelled."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from domain.catalog import PoStatus
    from domain.purchase_order import CancelRequest
    from domain.side_effects import Attention
    from workflows import activity_calls as calls
    from workflows.po_state import PoState
    from workflows.recorder import Recorder


class StepAbandoned(ApplicationError):
    """The PO was cancelled while its failed step waited for an operator."""

    def __init__(self, request: CancelRequest) -> None:
        super().__init__("cancelled while a step needed attention", type="abandoned")
        self.request = request


async def hold(recorder: Recorder, step: str, error: FailureError) -> None:
    """Returns when an operator asked to run ``step`` again; raises ``StepAbandoned`` when the
    PO is cancelled meanwhile, and ``error`` itself when it cannot be held."""
    po = recorder.state
    steward = po.steward
    if steward.quiet:
        raise error
    if po.cancel_request is not None:
        raise StepAbandoned(po.cancel_request)
    view, reason = po.view, calls.reason_of(error)
    if view.attention is None:
        before = view.status
        view.attention = Attention(step, reason, workflow.now(), before, steward.retries_asked)
        view.status = PoStatus.NEEDS_ATTENTION
        workflow.logger.warning("%s needs attention: %s failed: %s", view.po_number, step, reason)
        await record_quietly(recorder, "po.needs_attention", f"{step} failed: {reason}")
    asked = steward.retries_asked
    await workflow.wait_condition(
        lambda: steward.retries_asked != asked or po.cancel_request is not None
    )
    if po.cancel_request is not None:
        raise StepAbandoned(po.cancel_request)
    if view.attention is not None:
        view.status, view.attention = view.attention.status_before, None
        await record_quietly(recorder, "po.step_retried", f"{step} runs again", steward.retried_by)


async def record_quietly(
    recorder: Recorder, action: str, comment: str, actor: str = "poflow"
) -> None:
    """Project an event straight away, past the projector's queue (whose batch may be the step
    that failed); a failure to write it is logged only."""
    steward = recorder.state.steward
    change = recorder.next_change(action, actor, comment=comment)
    quiet, steward.quiet = steward.quiet, True
    try:
        await calls.project_together([change])
    except FailureError as error:
        workflow.logger.warning("%s: %s not recorded: %s", change.view.po_number, action, error)
    finally:
        steward.quiet = quiet


async def abandon(recorder: Recorder, request: CancelRequest) -> None:
    """Cancelled (``request``) while a step needed attention: the budget is released and the
    end recorded as far as they can be, and nothing is held again."""
    po: PoState = recorder.state
    po.steward.quiet = True
    view = po.view
    view.status, view.attention, view.cancel_reason = PoStatus.CANCELLED, None, request.reason
    if po.prepared is not None:
        try:
            await calls.release_budget(po.prepared.movement(view, "release"))
        except FailureError as error:
            workflow.logger.warning("%s: budget not released: %s", view.po_number, error)
    await record_quietly(recorder, "po.cancelled", request.reason, request.actor)
    po.settled = True
