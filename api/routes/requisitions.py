"""Raising a requisition over the JSON API: it is validated at once, then becomes a PO workflow."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from api.deps import RuntimeDep, SessionDep, require_role
from api.errors import RefusalRoute, Refused
from api.idempotency import IdempotencyHeader
from api.schemas.requisitions import RequisitionAccepted, RequisitionIn, RequisitionRefusedOut
from domain.catalog import Role
from domain.temporal_names import workflow_id_for
from models.people.records import User
from services import requisitions
from services.requisitions import IdempotencyKeyReused, RequisitionRefused

router = APIRouter(prefix="/api", tags=["requisitions"], route_class=RefusalRoute)
Requester = Annotated[User, Depends(require_role(Role.REQUESTER))]


@router.post(
    "/requisitions",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": RequisitionAccepted, "description": "Idempotency-Key seen: the same PO"},
        422: {
            "model": RequisitionRefusedOut,
            "description": "A validation rule refused it, or the Idempotency-Key came before "
            "with another requisition (rule `idempotency_key_reused`)",
        },
    },
)
async def submit_requisition(
    body: RequisitionIn,
    user: Requester,
    session: SessionDep,
    runtime: RuntimeDep,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> RequisitionAccepted:
    """Validate the requisition now (every failed rule is named; nothing is stored), then number
    it and start its workflow. The same ``Idempotency-Key`` from the same caller answers 200 with
    the same PO and starts nothing: the key is stored with the number, and the workflow id (from
    the number) is started at most once, whichever request gets there first. The same key with
    another requisition is refused (``idempotency_key_reused``)."""
    requisition = body.to_requisition(user.username)
    session.commit()  # the connection goes back: submitting takes its own, one at a time
    try:
        submitted = await requisitions.submit_requisition(
            runtime.services, user, requisition, idempotency_key
        )
    except RequisitionRefused as refused:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "requisition refused",
            rule="requisition_refused",
            refusals=[vars(failure) for failure in refused.refusals],
        ) from refused
    except IdempotencyKeyReused as reused:
        rule, message = "idempotency_key_reused", str(reused)
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            message,
            rule=rule,
            refusals=[{"rule": rule, "field": "Idempotency-Key", "message": message}],
        ) from reused
    if submitted.replayed:
        response.status_code = status.HTTP_200_OK
    return RequisitionAccepted(
        po_number=submitted.po_number,
        workflow_id=workflow_id_for(submitted.po_number),
        status=submitted.status,
    )
