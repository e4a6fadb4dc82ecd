"""After issue: renewal windows, cancellation by procurement, close at the end of service."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from temporalio import workflow
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.catalog import PoStatus
    from domain.invoicing import fully_invoiced
    from domain.purchase_order import CarriedState, PurchaseOrderStart
    from domain.renewal import RenewalStart, notice_windows
    from domain.temporal_names import WorkflowType, renewal_workflow_id
    from workflows import activity_calls as calls
    from workflows.change_orders import run_change_order
    from workflows.po_state import Prepared
    from workflows.recorder import Recorder
    from workflows.ticket_write_back import write_back

_DAWN = datetime(1970, 1, 1, tzinfo=UTC)


async def after_issue(po: Recorder, prepared: Prepared) -> None:
    """Sleep until the next renewal window or the end of service, whichever comes first; start
    the renewal at the first window; release what is left and close at the end. Procurement may
    cancel meanwhile. Continues as new when Temporal suggests the history has grown large."""
    state, view = po.state, po.view
    while True:
        # A change order may move the end of service, so it is read afresh each time.
        end = datetime.combine(view.requisition.service_end + timedelta(days=1), time(), UTC)
        if state.cancel_request:
            await _finish(
                po, prepared, PoStatus.CANCELLED, "po.cancelled", state.cancel_request.actor
            )
            return
        if state.change_order_request:
            await run_change_order(po, prepared, state.change_order_request)
            continue
        if fully_invoiced(view.invoices, view.requisition.amount().minor):
            await _finish(po, prepared, PoStatus.CLOSED, "po.closed", "poflow", "fully invoiced")
            return
        if workflow.now() >= end:
            await _finish(po, prepared, PoStatus.CLOSED, "po.closed", "poflow")
            return
        first_window = _first_window(prepared) if view.renewal is None else None
        if first_window is not None and first_window <= workflow.now():
            await _start_renewal(po, prepared)
            continue
        if workflow.info().is_continue_as_new_suggested():
            await workflow.wait_condition(workflow.all_handlers_finished)
            carried = CarriedState(view, state.sequence, prepared.preparation)
            workflow.continue_as_new(
                PurchaseOrderStart(view.po_number, view.requisition, view.revision, carried)
            )
        wake = min(end, first_window) if first_window else end
        await state.wait_for_change(wake - workflow.now())


def _first_window(prepared: Prepared) -> datetime | None:
    """The earliest renewal notice window of the PO's contract, while the contract runs."""
    prep = prepared.preparation
    if prep.contract_end is None:
        return None
    if workflow.now() >= datetime.combine(prep.contract_end, time(), UTC):
        return None
    windows = notice_windows(prep.contract_end, prepared.policy.renewal_notice_days, _DAWN)
    return windows[0] if windows else None


async def _start_renewal(po: Recorder, prepared: Prepared) -> None:
    prep = prepared.preparation
    if prep.contract_end is None:
        return  # _first_window found no window: nothing to renew
    requisition = po.view.requisition
    renewal_id = renewal_workflow_id(po.view.po_number)
    await workflow.start_child_workflow(
        WorkflowType.RENEWAL,
        RenewalStart(
            po_number=po.view.po_number,
            contract=requisition.contract or "",
            service_owner=requisition.requester,
            contract_end=prep.contract_end,
            vendor_notice_days=prep.contract_notice_days,
            auto_renew=prep.contract_auto_renew,
            windows=notice_windows(
                prep.contract_end,
                prepared.policy.renewal_notice_days,
                workflow.now() - timedelta(seconds=1),
            ),
            requisition=requisition,
            committed_base_minor=po.view.amount_base_minor,
            base_currency=po.view.base_currency,
        ),
        id=renewal_id,
        parent_close_policy=ParentClosePolicy.ABANDON,
    )
    po.view.renewal = renewal_id
    await po.record("renewal.started", "poflow", comment=renewal_id)


async def _finish(
    po: Recorder, prepared: Prepared, status: PoStatus, action: str, actor: str, why: str = ""
) -> None:
    """Release what the PO still holds (unused commitment at the end of service) and settle."""
    state = po.state
    await calls.release_budget(prepared.movement(po.view, f"release-{status.value}"))
    po.view.status = status
    if state.cancel_request:
        po.view.cancel_reason = state.cancel_request.reason
    await po.record(action, actor, comment=po.view.cancel_reason or why)
    await write_back(po, status.value, f"{status.value}{': ' if why else ''}{why}")
    state.settled = True
