"""After issue: renewal windows, cancellation by procurement, close at the end of service."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

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
    from workflows.ticket_write_back import write_back

_DAWN = datetime(1970, 1, 1, tzinfo=UTC)

if TYPE_CHECKING:
    from workflows.purchase_order import PurchaseOrderWorkflow


async def after_issue(po: PurchaseOrderWorkflow) -> None:
    """Sleep until the next renewal window or the end of service, whichever comes first; start
    the renewal at the first window; release what is left and close at the end. Procurement may
    cancel meanwhile. Continues as new when Temporal suggests the history has grown large."""
    while True:
        # A change order may move the end of service, so it is read afresh each time.
        end = datetime.combine(po.view.requisition.service_end + timedelta(days=1), time(), UTC)
        if po.cancel_request:
            await _finish(po, PoStatus.CANCELLED, "po.cancelled", po.cancel_request.actor)
            return
        if po.change_request:
            await run_change_order(po, po.change_request)
            continue
        if fully_invoiced(po.view.invoices, po.view.requisition.amount().minor):
            await _finish(po, PoStatus.CLOSED, "po.closed", "poflow", "fully invoiced")
            return
        if workflow.now() >= end:
            await _finish(po, PoStatus.CLOSED, "po.closed", "poflow")
            return
        first_window = _first_window(po) if po.view.renewal is None else None
        if first_window is not None and first_window <= workflow.now():
            await _start_renewal(po)
            continue
        if workflow.info().is_continue_as_new_suggested():
            await workflow.wait_condition(workflow.all_handlers_finished)
            assert po.preparation is not None
            carried = CarriedState(po.view, po.sequence, po.preparation)
            workflow.continue_as_new(
                PurchaseOrderStart(
                    po.view.po_number, po.view.requisition, po.view.revision, carried
                )
            )
        wake = min(end, first_window) if first_window else end
        await _wait_for_change(po, wake - workflow.now())


def _first_window(po: PurchaseOrderWorkflow) -> datetime | None:
    """The earliest renewal notice window of the PO's contract, while the contract runs."""
    prep = po.preparation
    if prep is None or prep.contract_end is None or prep.policy is None:
        return None
    if workflow.now() >= datetime.combine(prep.contract_end, time(), UTC):
        return None
    windows = notice_windows(prep.contract_end, prep.policy.renewal_notice_days, _DAWN)
    return windows[0] if windows else None


async def _start_renewal(po: PurchaseOrderWorkflow) -> None:
    prep = po.preparation
    assert prep is not None and prep.contract_end is not None and prep.policy is not None
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
                prep.policy.renewal_notice_days,
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
    po: PurchaseOrderWorkflow, status: PoStatus, action: str, actor: str, why: str = ""
) -> None:
    """Release what the PO still holds (unused commitment at the end of service) and settle."""
    await calls.release_budget(po.movement(f"release-{status.value}"))
    po.view.status = status
    if po.cancel_request:
        po.view.cancel_reason = po.cancel_request.reason
    await po.record(action, actor, comment=po.view.cancel_reason or why)
    await write_back(po, status.value, f"{status.value}{': ' if why else ''}{why}")
    po.settled = True


async def _wait_for_change(po: PurchaseOrderWorkflow, longest: timedelta) -> None:
    seen = po.changes
    with contextlib.suppress(TimeoutError):
        await workflow.wait_condition(lambda: po.changes != seen, timeout=longest)
