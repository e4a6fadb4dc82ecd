"""Change control: a PO the policy names needs a change ticket, and is issued only once that
change is approved in the ITSM tool. Until then the approved PO is held, the change is asked
about again every hour, and the requester or procurement may cancel."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.purchase_order import PoView
    from domain.routing import needs_approved_change
    from domain.validation import RuleFailure
    from workflows import activity_calls as calls
    from workflows.po_state import Prepared
    from workflows.recorder import Recorder
    from workflows.ticket_write_back import write_back

RECHECK_EVERY = timedelta(hours=1)


def applies(view: PoView, prepared: Prepared) -> bool:
    """Whether the policy issues this PO only once its change is approved."""
    return needs_approved_change(prepared.policy, view.requisition, prepared.facts)


def missing_change_ticket(view: PoView, prepared: Prepared) -> RuleFailure | None:
    """The refusal of a requisition that needs a change ticket and names none."""
    if view.requisition.change_ticket or not applies(view, prepared):
        return None
    return RuleFailure(
        "change_ticket_required",
        "change_ticket",
        "policy requires an approved change ticket for this purchase; name one",
    )


async def cleared_for_issue(po: Recorder, prepared: Prepared) -> bool:
    """True once the change is approved (or none is needed); False if cancelled meanwhile."""
    change, state = po.view.requisition.change_ticket, po.state
    if not change or not applies(po.view, prepared):
        return True
    while not await calls.change_approved(change):
        if po.view.held_for_change is None:
            await _hold(po, change)
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: state.cancel_request is not None, timeout=RECHECK_EVERY
            )
        if state.cancel_request is not None:
            return False
    if po.view.held_for_change is not None:
        po.view.held_for_change = None
        await po.record("issue.released", "poflow", comment=f"change {change} approved")
    return True


async def _hold(po: Recorder, change: str) -> None:
    po.view.held_for_change = change
    note = f"approved; issue waits until change {change} is approved"
    await po.record("issue.held", "poflow", comment=note)
    await write_back(po, "approved", note)
    await po.tell(
        po.view.requisition.requester,
        "issue_held",
        f"{po.view.po_number} waits for change {change}",
        {"change_ticket": change},
    )
