"""Change control: a PO the policy names needs a change ticket, and is issued only once that
change is approved in the ITSM tool. Until then the approved PO is held, the change is asked
about again every hour, and the requester or procurement may cancel."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.purchase_order import PoView
    from domain.routing import needs_approved_change_ticket
    from domain.validation import FieldRefusal
    from workflows import activity_calls as calls
    from workflows.po_state import Prepared
    from workflows.recorder import Recorder
    from workflows.ticket_write_back import write_back

RECHECK_EVERY = timedelta(hours=1)


def applies(view: PoView, prepared: Prepared) -> bool:
    """Whether the policy issues this PO only once its change is approved."""
    return needs_approved_change_ticket(prepared.policy, view.requisition, prepared.facts)


def missing_change_ticket(view: PoView, prepared: Prepared) -> FieldRefusal | None:
    """The refusal of a requisition that needs a change ticket and names none."""
    if view.requisition.change_ticket or not applies(view, prepared):
        return None
    return FieldRefusal(
        "change_ticket_required",
        "change_ticket",
        "policy requires an approved change ticket for this purchase; name one",
    )


async def cleared_for_issue(po: Recorder, prepared: Prepared) -> bool:
    """True once the change ticket is approved (or none is needed); False if cancelled meanwhile."""
    ticket, state = po.view.requisition.change_ticket, po.state
    if not ticket or not applies(po.view, prepared):
        return True
    while not await calls.change_ticket_approved(ticket):
        if po.view.held_for_change_ticket is None:
            await _hold(po, ticket)
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: state.cancel_request is not None, timeout=RECHECK_EVERY
            )
        if state.cancel_request is not None:
            return False
    if po.view.held_for_change_ticket is not None:
        po.view.held_for_change_ticket = None
        await po.record("issue.released", "poflow", comment=f"change {ticket} approved")
    return True


async def _hold(po: Recorder, ticket: str) -> None:
    po.view.held_for_change_ticket = ticket
    note = f"approved; issue waits until change {ticket} is approved"
    await po.record("issue.held", "poflow", comment=note)
    await write_back(po, "approved", note)
    await po.notify(
        po.view.requisition.requester,
        "issue_held",
        f"{po.view.po_number} waits for change {ticket}",
        {"change_ticket": ticket},
    )
