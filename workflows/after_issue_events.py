"""What happens to an issued PO from outside: invoices relieve its commitment and book actual
cost; call-offs draw down a blanket PO's ceiling; receipts record what was delivered; a
delivered milestone is accepted or rejected by each of its sides."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.blanket import CallOff, CallOffRequest
    from domain.invoicing import InvoiceRecord, InvoiceRequest
    from domain.milestone_acceptance import (
        AcceptanceSide,
        MilestoneDecision,
        MilestoneDecisionRecord,
        find_milestone,
        standing,
    )
    from domain.money import Money
    from domain.purchase_order import InvoicePosting
    from domain.receipts import ReceiptRecord, ReceiptRequest
    from workflows import activity_calls as calls
    from workflows.po_state import Prepared
    from workflows.recorder import Recorder


async def book_invoice(po: Recorder, prepared: Prepared, request: InvoiceRequest) -> None:
    """Convert at the PO's rate, post to the ledger once per invoice number, and record it."""
    prep, view = prepared.preparation, po.view
    requisition = view.requisition
    amount = Money(request.amount_minor, requisition.currency)
    base = prep.to_base(amount)
    number = request.invoice_number.strip()
    result = await calls.post_invoice(
        InvoicePosting(
            po_number=view.po_number,
            revision=view.revision,
            cost_center=requisition.cost_center,
            gl_account=prepared.gl_account,
            invoice_number=number,
            invoice_date=request.invoice_date,
            amount_minor=request.amount_minor,
            currency=requisition.currency,
            amount_base_minor=base,
            base_currency=prep.base_currency,
            rate=prep.rate,
            rate_date=prep.rate_date,
            posted_by=request.actor,
        )
    )
    view.invoices.append(
        InvoiceRecord(
            number,
            request.invoice_date,
            request.amount_minor,
            base,
            result.relieved_minor,
            request.actor,
        )
    )
    po.state.changed()
    await po.record("invoice.recorded", request.actor, comment=f"{number}: {amount}")


async def book_call_off(po: Recorder, request: CallOffRequest) -> None:
    """Record the call-off against the ceiling and tell the vendor."""
    view = po.view
    call_off = CallOff(
        len(view.call_offs) + 1,
        request.description.strip(),
        request.amount_minor,
        request.actor,
        workflow.now(),
    )
    view.call_offs.append(call_off)
    po.state.changed()
    amount = Money(request.amount_minor, view.requisition.currency)
    await po.record(
        "blanket.call_off",
        request.actor,
        comment=f"#{call_off.number} {call_off.description}: {amount}",
    )
    prepared = po.state.prepared
    if prepared and prepared.preparation.vendor_email:
        await po.notify(
            prepared.preparation.vendor_email,
            "call_off",
            f"Call-off {call_off.number} on {view.po_number}",
            {"description": call_off.description, "amount_minor": request.amount_minor},
        )


async def book_receipt(po: Recorder, request: ReceiptRequest) -> None:
    """Keep the receipt on the PO and record it (projected to ``po_receipts`` too)."""
    view = po.view
    receipt = ReceiptRecord(
        number=len(view.receipts) + 1,
        kind=request.kind,
        line=request.line,
        quantity=request.quantity,
        received_on=request.received_on,
        actor=request.actor,
        recorded_at=workflow.now(),
        milestone=(request.milestone or "").strip() or None,
        note=request.note.strip(),
        source=request.source,
    )
    view.receipts.append(receipt)
    po.state.changed()
    what = receipt.milestone or request.kind.value.replace("_", " ")
    await po.record(
        "receipt.recorded",
        request.actor,
        comment=f"#{receipt.number} line {receipt.line}: {receipt.quantity} ({what})",
        receipt=receipt,
    )


async def book_milestone_decision(
    po: Recorder, decision: MilestoneDecision, side: AcceptanceSide
) -> None:
    """Keep one side's decision on the delivered milestone (the validator let it through) and
    record it (projected to ``po_milestone_decisions`` too)."""
    view = po.view
    milestone = find_milestone(view.requisition, decision.milestone)
    before = standing(milestone, view.receipts, view.milestone_decisions) if milestone else None
    if milestone is None or before is None or before.delivery is None:  # the validator refuses
        raise ApplicationError(f"{decision.milestone} is not delivered", type="not_delivered")
    record = MilestoneDecisionRecord(
        number=len(view.milestone_decisions) + 1,
        milestone=milestone.name,
        delivery=before.delivery.number,
        side=side,
        verdict=decision.verdict,
        actor=decision.actor,
        decided_at=workflow.now(),
        comment=decision.comment.strip(),
        criteria=decision.criteria,
    )
    view.milestone_decisions.append(record)
    po.state.changed()
    after = standing(milestone, view.receipts, view.milestone_decisions)
    await po.record(
        f"milestone.{decision.verdict.value}",
        decision.actor,
        comment=f"{milestone.name} ({side.value}, now {after.state.value}): {record.comment}",
        milestone_decision=record,
    )
