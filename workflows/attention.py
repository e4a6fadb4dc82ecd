"""A PO whose step failed for good waits in ``needs_attention``, holding no worker slot, until an
operator retries the step (the ``retry_step`` Update) or cancels the PO; the other POs flow on.

The hold is recorded once (status, search attribute, read model when it can be written, one log
line); a failure while recording it is not held again. A cancel while held abandons the step:
``StepAbandoned`` unwinds to the workflow's run, which ends the PO cancelled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio import workflow
from temporalio.exceptions import ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from domain.catalog import PoStatus
    from domain.side_effects import Attention
    from workflows import activity_calls as calls
    from workflows.operator_view import publish

if TYPE_CHECKING:
    from workflows.purchase_order import PurchaseOrderWorkflow


class StepAbandoned(ApplicationError):
    """The PO was cancelled while its failed step waited for an operator."""

    def __init__(self) -> None:
        super().__init__("cancelled while a step needed attention", type="abandoned")


class StepSteward:
    """What the PO knows of its held step: how many retries operators asked for, and whether a
    failure happens while the hold itself is recorded (or while the PO is being abandoned)."""

    def __init__(self) -> None:
        self.retries_asked = 0
        self.retried_by = ""  # who asked last
        self.quiet = False  # failures now are logged, not held


async def hold(po: PurchaseOrderWorkflow, step: str, error: FailureError) -> None:
    """Returns when an operator asked to run ``step`` again; raises ``StepAbandoned`` when the
    PO is cancelled meanwhile, and ``error`` itself when it cannot be held."""
    steward = po.steward
    if steward.quiet:
        raise error
    if po.cancel_request is not None:
        raise StepAbandoned()
    view, reason = po.view, calls.reason_of(error)
    if view.attention is None:
        before = view.status
        view.attention = Attention(step, reason, workflow.now(), before, steward.retries_asked)
        view.status = PoStatus.NEEDS_ATTENTION
        workflow.logger.warning("%s needs attention: %s failed: %s", view.po_number, step, reason)
        await record_quietly(po, "po.needs_attention", f"{step} failed: {reason}")
    asked = steward.retries_asked
    await workflow.wait_condition(
        lambda: steward.retries_asked != asked or po.cancel_request is not None
    )
    if po.cancel_request is not None:
        raise StepAbandoned()
    if view.attention is not None:
        view.status, view.attention = view.attention.status_before, None
        await record_quietly(po, "po.step_retried", f"{step} runs again", steward.retried_by)


async def record_quietly(
    po: PurchaseOrderWorkflow, action: str, comment: str, actor: str = "poflow"
) -> None:
    """Project a change straight away, past the projector's queue (whose batch may be the step
    that failed); a failure to write it is logged only."""
    steward = po.steward
    po.sequence += 1
    publish(po.view)
    quiet, steward.quiet = steward.quiet, True
    try:
        await calls.project_together([po.change(action, actor, comment=comment)])
    except FailureError as error:
        workflow.logger.warning("%s: %s not recorded: %s", po.view.po_number, action, error)
    finally:
        steward.quiet = quiet


async def abandon(po: PurchaseOrderWorkflow) -> None:
    """Cancelled while a step needed attention: the budget is released and the end recorded as
    far as they can be, and nothing is held again."""
    request = po.cancel_request
    assert request is not None
    po.steward.quiet = True
    view = po.view
    view.status, view.attention, view.cancel_reason = PoStatus.CANCELLED, None, request.reason
    if po.preparation is not None and po.preparation.gl_account is not None:
        try:
            await calls.release_budget(po.movement("release"))
        except FailureError as error:
            workflow.logger.warning("%s: budget not released: %s", view.po_number, error)
    await record_quietly(po, "po.cancelled", request.reason, request.actor)
    po.settled = True
