"""Issue: the reservation becomes a commitment, the ERP gets the PO exactly once (keyed by PO
number and revision), the ITSM ticket is updated, and requester and vendor are told."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.catalog import PoStatus
    from domain.erp_messages import ErpOrder
    from domain.purchase_order import PoView
    from domain.tickets import TicketUpdate
    from workflows import activity_calls as calls
    from workflows.po_state import Prepared
    from workflows.recorder import Recorder
    from workflows.ticket_write_back import keep_unwritten


async def issue(po: Recorder, prepared: Prepared) -> None:
    """Commit, issue to the ERP, update the ticket, tell requester and vendor; the PO is
    ``issued`` once the ERP took it."""
    requisition, prep = po.view.requisition, prepared.preparation
    await calls.commit_budget(prepared.movement(po.view, "commit"))
    receipt = await calls.issue_to_erp(erp_order(po.view, prepared))
    po.view.erp_reference = receipt.erp_reference
    po.view.status = PoStatus.ISSUED
    await po.record("po.issued", "poflow", comment=receipt.erp_reference)
    if requisition.itsm_ticket:
        update = TicketUpdate(
            requisition.itsm_ticket,
            "issued",
            po.view.po_number,
            f"issued as {receipt.erp_reference}",
            f"{po.view.po_number}:{po.view.revision}:itsm-issued",
            requisition.change_ticket,
        )
        reason = await calls.update_ticket(update)
        if reason is not None:
            await keep_unwritten(po, update, reason)
    facts: dict[str, object] = {"erp_reference": receipt.erp_reference}
    notifications = [
        po.notification(requisition.requester, "issued", f"{po.view.po_number} issued", facts)
    ]
    if prep.vendor_email:
        subject = f"Purchase order {po.view.po_number}"
        notifications.append(po.notification(prep.vendor_email, "purchase_order", subject, facts))
    await po.notify_all(notifications)


def erp_order(view: PoView, prepared: Prepared) -> ErpOrder:
    """The PO's current revision as the ERP receives it, keyed by PO number and revision."""
    requisition = view.requisition
    return ErpOrder(
        idempotency_key=f"{view.po_number}:{view.revision}",
        po_number=view.po_number,
        revision=view.revision,
        vendor=requisition.vendor,
        currency=requisition.currency,
        amount_minor=requisition.amount().minor,
        cost_center=requisition.cost_center,
        gl_account=prepared.gl_account,
        lines=[
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
            }
            for line in requisition.lines
        ],
        project=requisition.project,
        asset_tag=requisition.asset_tag,
        tax_code=prepared.preparation.tax_code,
    )
