"""What happens to an issued PO, each a workflow Update whose validator decides: change orders
(and delays), invoices, call-offs against a blanket PO's ceiling, and receipts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter

from api.deps import CurrentUser, SessionDep, TemporalDep, require_role, visible_or_404
from api.errors import RefusalRoute, Refused
from api.idempotency import IdempotencyHeader
from api.schemas.after_issue import (
    CallOffIn,
    ChangeOrderIn,
    DelayIn,
    InvoiceIn,
    ReceiptIn,
    ReceiptOut,
    ReceiptsOut,
)
from api.schemas.decisions import REFUSAL_RESPONSES
from domain.blanket import CallOffRequest
from domain.catalog import Role
from domain.change_orders import ChangeOrderRequest
from domain.intake import amount_problem, line_refusals
from domain.invoicing import InvoiceRequest
from domain.money import Money
from domain.purchase_order import PoView
from domain.receipts import ReceiptRequest
from domain.requisition import LineItem
from domain.temporal_names import PoUpdate
from models.people.records import User
from models.purchase_orders.receipts import receipts_of, received_by_line
from models.purchase_orders.records import PurchaseOrder
from services.idempotency import update_id
from services.updates import not_running, run_update

router = APIRouter(prefix="/api/purchase-orders", tags=["after issue"], route_class=RefusalRoute)
OwnerOrProcurement = Annotated[User, Depends(require_role(Role.REQUESTER, Role.PROCUREMENT))]
Finance = Annotated[User, Depends(require_role(Role.FINANCE))]
# Anyone but an auditor may receive; the workflow keeps out the requester and the approvers.
Receiver = Annotated[User, Depends(require_role(*(r for r in Role if r is not Role.AUDITOR)))]
_VIEW = TypeAdapter(PoView)
_REFUSALS = REFUSAL_RESPONSES


@router.post("/{po_number}/change-orders", responses=_REFUSALS)
async def change_order(
    po_number: str,
    body: ChangeOrderIn,
    user: OwnerOrProcurement,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, Any]:
    """Amend an issued PO: new lines, a new blanket ceiling and/or shifted dates. Answers once
    the change is applied, refused, or out for approval (an increase above the policy's
    threshold); the commitment moves by the change only."""
    po = await run_in_threadpool(visible_or_404, session, user, po_number)
    currency = po.currency
    lines = tuple(_line(line, currency) for line in body.lines) if body.lines else None
    beyond_limits = list(line_refusals(lines or ()))
    if beyond_limits:
        first = beyond_limits[0]
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            first.message,
            rule=first.rule,
            refusals=[vars(failure) for failure in beyond_limits],
        )
    request = ChangeOrderRequest(
        actor=user.username,
        reason=body.reason,
        lines=lines,
        blanket_ceiling_minor=_minor(body.blanket_ceiling, currency),
        shift_days=body.shift_days,
        actor_is_procurement=Role.PROCUREMENT in user.role_names,
    )
    return await po_update(
        temporal,
        po,
        PoUpdate.CHANGE_ORDER,
        request,
        update_id(PoUpdate.CHANGE_ORDER, user, idempotency_key),
    )


@router.post("/{po_number}/delay", responses=_REFUSALS)
async def delay(
    po_number: str,
    body: DelayIn,
    user: OwnerOrProcurement,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, Any]:
    """Move the service period by ``days``: the commitment moves between fiscal periods."""
    po = await run_in_threadpool(visible_or_404, session, user, po_number)
    request = ChangeOrderRequest(
        actor=user.username,
        reason=body.reason,
        shift_days=body.days,
        actor_is_procurement=Role.PROCUREMENT in user.role_names,
    )
    return await po_update(
        temporal, po, PoUpdate.CHANGE_ORDER, request, update_id("delay", user, idempotency_key)
    )


@router.post("/{po_number}/invoices", responses=_REFUSALS)
async def record_invoice(
    po_number: str,
    body: InvoiceIn,
    user: Finance,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, Any]:
    """Record a vendor invoice: it relieves the commitment and books actual cost; a PO fully
    invoiced closes. Finance, never the requester or an approver of the PO."""
    po = await run_in_threadpool(visible_or_404, session, user, po_number)
    request = InvoiceRequest(
        actor=user.username,
        invoice_number=body.invoice_number,
        invoice_date=body.invoice_date,
        amount_minor=_minor_of(body.amount, po.currency),
        actor_is_finance=True,
    )
    return await po_update(
        temporal,
        po,
        PoUpdate.RECORD_INVOICE,
        request,
        update_id(PoUpdate.RECORD_INVOICE, user, idempotency_key),
    )


@router.post("/{po_number}/receipts", responses=_REFUSALS)
async def record_receipt(
    po_number: str,
    body: ReceiptIn,
    user: Receiver,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, Any]:
    """Record goods received, a service started or a milestone delivered: part or all of one
    PO line. Never the requester or an approver of the PO; never above the ordered quantity."""
    po = await run_in_threadpool(visible_or_404, session, user, po_number)
    request = ReceiptRequest(
        actor=user.username,
        kind=body.kind,
        line=body.line,
        quantity=body.quantity,
        received_on=body.received_on,
        milestone=body.milestone,
        note=body.note,
    )
    return await po_update(
        temporal,
        po,
        PoUpdate.RECORD_RECEIPT,
        request,
        update_id(PoUpdate.RECORD_RECEIPT, user, idempotency_key),
    )


@router.get("/{po_number}/receipts")
def list_receipts(po_number: str, user: CurrentUser, session: SessionDep) -> ReceiptsOut:
    """The PO's receipts as recorded, and the quantity received so far per line."""
    visible_or_404(session, user, po_number)
    return ReceiptsOut(
        po_number=po_number,
        receipts=[ReceiptOut.model_validate(row) for row in receipts_of(session, po_number)],
        received_by_line=received_by_line(session, po_number),
    )


@router.post("/{po_number}/call-offs", responses=_REFUSALS)
async def call_off(
    po_number: str,
    body: CallOffIn,
    user: OwnerOrProcurement,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, Any]:
    """Call off part of a blanket PO; refused above what is left of its ceiling."""
    po = await run_in_threadpool(visible_or_404, session, user, po_number)
    request = CallOffRequest(
        actor=user.username,
        description=body.description,
        amount_minor=_minor_of(body.amount, po.currency),
        actor_is_procurement=Role.PROCUREMENT in user.role_names,
    )
    return await po_update(
        temporal,
        po,
        PoUpdate.CALL_OFF,
        request,
        update_id(PoUpdate.CALL_OFF, user, idempotency_key),
    )


async def po_update(
    temporal: Any, po: PurchaseOrder, name: str, request: object, key: str | None
) -> dict[str, Any]:
    """Send the PO's workflow the Update ``name``; its view as JSON once done."""
    handle = temporal.get_workflow_handle(po.workflow_id)
    missing = not_running(po.po_number)
    view = await run_update(handle, name, request, PoView, missing=missing, update_id=key)
    return dict(_VIEW.dump_python(view, mode="json"))


def _line(line: Any, currency: str) -> LineItem:
    return LineItem(
        description=line.description,
        quantity=line.quantity,
        unit_price_minor=_minor_of(line.unit_price, currency),
        service_start=line.service_start,
        service_end=line.service_end,
        tax_code=line.tax_code,
        catalog_sku=line.catalog_sku,
    )


def _minor(amount: str | None, currency: str) -> int | None:
    return _minor_of(amount, currency) if amount is not None else None


def _minor_of(amount: str, currency: str) -> int:
    try:
        minor = Money.parse(amount, currency).minor
    except ValueError as error:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT, str(error), rule="invalid_amount"
        ) from error
    problem = amount_problem(minor)
    if problem is not None:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"the amount {problem}", rule="amount_in_range"
        )
    return minor
