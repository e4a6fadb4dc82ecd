"""Purchase orders: reading them, and the decisions, answers, cancellations and renewal choices
that their workflows accept or refuse (each one a workflow Update whose validator decides), and
an admin's retry of a step that failed for good."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter

from api.decision_schemas import DecisionOut
from api.deps import CurrentUser, SessionDep, TemporalDep, require_role, visible_or_404
from api.errors import RefusalRoute
from api.idempotency import IdempotencyHeader
from api.params import RowOffset
from api.schemas.decisions import (
    REFUSAL_RESPONSES,
    CancelIn,
    DecisionIn,
    InformationIn,
    RenewalIn,
)
from api.schemas.purchase_orders import (
    ConsumptionMonth,
    PoConsumptionOut,
    PoDetail,
    PoSummary,
)
from domain.catalog import DECIDING_ROLES, PoStatus, Role
from domain.decision_outcome import outcome_of
from domain.purchase_order import CancelRequest, PoView
from domain.renewal import RenewalDecision, RenewalView
from domain.side_effects import RetryRequest
from domain.temporal_names import PoUpdate, renewal_workflow_id, workflow_id_for
from models.costs.consumption import consumption_by_month
from models.people.records import User
from models.purchase_orders.inbox import purchase_orders
from models.purchase_orders.records import PurchaseOrder
from services import information
from services.decisions import DecisionForm, NotVisible, submit_decision
from services.idempotency import update_id
from services.refusals import RuleRefused
from services.updates import not_running, run_update

router = APIRouter(prefix="/api", tags=["purchase orders"], route_class=RefusalRoute)
Decider = Annotated[User, Depends(require_role(*DECIDING_ROLES))]
OwnerOrProcurement = Annotated[User, Depends(require_role(Role.REQUESTER, Role.PROCUREMENT))]
Requester = Annotated[User, Depends(require_role(Role.REQUESTER))]
Admin = Annotated[User, Depends(require_role(Role.ADMIN))]
_VIEW = TypeAdapter(PoView)
_RENEWAL = TypeAdapter(RenewalView)
_REFUSALS = REFUSAL_RESPONSES


@router.get("/purchase-orders")
def list_purchase_orders(
    user: CurrentUser,
    session: SessionDep,
    status: PoStatus | None = None,
    cost_center: str | None = None,
    approver: Annotated[str | None, Query(description="POs now waiting on this user")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: RowOffset = 0,
) -> list[PoSummary]:
    """The POs the caller may see, newest first."""
    found = purchase_orders(
        session,
        user,
        _now(),
        status=status,
        cost_center=cost_center,
        approver=approver,
        limit=limit,
        offset=offset,
    )
    return [PoSummary.model_validate(po) for po in found]


@router.get("/purchase-orders/{po_number}")
def get_purchase_order(po_number: str, user: CurrentUser, session: SessionDep) -> PoDetail:
    """One PO as its workflow last projected it; 404 when missing or not visible to the caller."""
    return PoDetail.model_validate(visible_or_404(session, user, po_number))


@router.get("/purchase-orders/{po_number}/consumption")
def get_consumption(po_number: str, user: CurrentUser, session: SessionDep) -> PoConsumptionOut:
    """What cost data drew against the PO month by month (as its page shows it); no months
    while no cost line draws on it. 404 when the PO is missing or not visible to the caller."""
    po = visible_or_404(session, user, po_number)
    months = consumption_by_month(session, po_number, po.base_currency)
    consumed = months[-1].to_date_minor if months else 0
    return PoConsumptionOut(
        po_number=po_number,
        currency=po.base_currency,
        committed_minor=po.amount_base_minor,
        consumed_minor=consumed,
        left_minor=po.amount_base_minor - consumed,
        months=[ConsumptionMonth.model_validate(month) for month in months],
    )


@router.post("/purchase-orders/{po_number}/decisions", responses=_REFUSALS)
async def decide(
    po_number: str,
    body: DecisionIn,
    user: Decider,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> DecisionOut:
    """Approve, reject, ask for information, forward or extend the deadline of the current tier,
    for yourself or, with ``on_behalf_of``, under that person's active delegation to you.
    Answers with what the decision did and the PO's status after it. Sent again with the same
    ``Idempotency-Key``, it answers with the first outcome."""
    form = DecisionForm(
        action=body.action,
        comment=body.comment,
        branch=body.branch,
        forward_to=body.forward_to,
        extend_minutes=body.extension_minutes(),
        on_behalf_of=body.on_behalf_of,
    )
    try:
        view = await submit_decision(session, temporal, user, po_number, form, idempotency_key)
    except NotVisible as missing:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no purchase order {po_number}"
        ) from missing
    return DecisionOut.of(outcome_of(view))


@router.post("/purchase-orders/{po_number}/cancel", responses=_REFUSALS)
async def cancel(
    po_number: str,
    body: CancelIn,
    user: OwnerOrProcurement,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, Any]:
    """Cancel: the requester before issue, procurement at any time before close. Answers once
    the workflow has released the budget and recorded the cancellation."""
    po = await run_in_threadpool(visible_or_404, session, user, po_number)
    request = CancelRequest(
        actor=user.username,
        reason=body.reason,
        actor_is_procurement=Role.PROCUREMENT in user.role_names,
    )
    handle = temporal.get_workflow_handle(po.workflow_id)
    view = await run_update(
        handle,
        PoUpdate.CANCEL,
        request,
        PoView,
        missing=not_running(po_number),
        update_id=update_id(PoUpdate.CANCEL, user, idempotency_key),
    )
    return _json(view)


@router.post("/purchase-orders/{po_number}/information", responses=_REFUSALS)
async def answer_information(
    po_number: str,
    body: InformationIn,
    user: Requester,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, Any]:
    """The requester answers an approver's request for information; the tier clock resumes."""
    try:
        view = await information.answer_information(
            session, temporal, user, po_number, body.answer, idempotency_key
        )
    except NotVisible as missing:
        raise _missing(po_number) from missing
    return _json(view)


@router.post("/purchase-orders/{po_number}/renewal", responses=_REFUSALS)
async def decide_renewal(
    po_number: str,
    body: RenewalIn,
    user: OwnerOrProcurement,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, Any]:
    """Renew (a new PO, prices raised by ``uplift_basis_points``), renegotiate or terminate the
    contracted service, while its renewal window is open; the service owner or procurement."""
    po = await run_in_threadpool(visible_or_404, session, user, po_number)
    decision = RenewalDecision(
        actor=user.username,
        action=body.action,
        comment=body.comment,
        uplift_basis_points=body.uplift_basis_points,
        actor_is_procurement=Role.PROCUREMENT in user.role_names,
    )
    handle = temporal.get_workflow_handle(renewal_workflow_id(po.po_number))
    missing = RuleRefused(
        "no_renewal_open",
        f"no renewal is open for {po_number}; it opens at the contract's notice window",
    )
    key = update_id("decide_renewal", user, idempotency_key)
    view = await run_update(
        handle, PoUpdate.DECIDE, decision, RenewalView, missing=missing, update_id=key
    )
    return dict(_RENEWAL.dump_python(view, mode="json"))


@router.post("/purchase-orders/{po_number}/retry", responses=_REFUSALS)
async def retry_step(
    po_number: str, user: Admin, session: SessionDep, temporal: TemporalDep
) -> dict[str, Any]:
    """Run again the step of a PO that needs attention (it failed for good); answers once the
    step is under way, with the PO's status from before. 409 ``not_waiting`` when no step of
    the PO failed. Admins only; also a PO the read model could not store is reached by number."""
    row = await run_in_threadpool(session.get, PurchaseOrder, po_number)
    workflow_id = row.workflow_id if row is not None else workflow_id_for(po_number)
    handle = temporal.get_workflow_handle(workflow_id)
    request = RetryRequest(actor=user.username)
    view = await run_update(
        handle, PoUpdate.RETRY_STEP, request, PoView, missing=not_running(po_number)
    )
    return _json(view)


def _missing(po_number: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no purchase order {po_number}")


def _json(view: PoView) -> dict[str, Any]:
    return dict(_VIEW.dump_python(view, mode="json"))


def _now() -> datetime:
    return datetime.now(UTC)
