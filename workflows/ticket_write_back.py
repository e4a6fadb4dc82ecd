"""The PO's state and number written back to the ticket it came from: at submission, at each
decision, and at issue, rejection, cancellation and close. A ticket that cannot be reached after
a few tries is kept on the PO as undelivered: the ITSM tool never holds up a purchase order."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.side_effects import TICKET_UPDATE, Undelivered
    from domain.tickets import TicketUpdate
    from workflows import activity_calls as calls
    from workflows.recorder import Recorder


async def write_back(po: Recorder, state: str, note: str) -> None:
    """The PO's ``state`` and ``note`` on its ticket, if it came from one."""
    view = po.view
    ticket = view.requisition.itsm_ticket
    if not ticket:
        return
    # Counted here, before any await: a decision's write-back and the run's may interleave,
    # and each must keep a key of its own.
    view.ticket_updates += 1
    key = f"{view.po_number}:{view.revision}:itsm:{view.ticket_updates}:{state}"
    update = TicketUpdate(
        ticket,
        state,
        view.po_number,
        note,
        key,
        view.requisition.change_ticket,
    )
    reason = await calls.write_back(update)
    if reason is not None:
        await keep_unwritten(po, update, reason)


async def keep_unwritten(po: Recorder, update: TicketUpdate, reason: str) -> None:
    """The ticket update is kept on the PO as undelivered."""
    kept = Undelivered(
        TICKET_UPDATE, update.idempotency_key, update.ticket, update.note, reason, workflow.now()
    )
    await po.keep_undelivered([kept])
