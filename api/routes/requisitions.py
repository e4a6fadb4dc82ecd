"""Raising a requisition over the JSON API: it is validated at once, then becomes a PO workflow."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.deps import RuntimeDep, SessionDep, TemporalDep, require_role
from api.errors import RefusalRoute, Refused
from api.schemas import RequisitionAccepted, RequisitionIn, RequisitionRefused
from domain.catalog import PoStatus, Role
from domain.policy_document import parse_policy
from domain.purchase_order import PurchaseOrderStart, workflow_id_for
from domain.requisition import Requisition
from domain.validation import RuleFailure, validate_requisition
from models.db import unit_of_work
from models.governance import IdempotencyKey
from models.people import User
from models.purchase_orders import PurchaseOrder, next_po_number
from models.reference import active_policy, reference_data
from settings import Settings

router = APIRouter(prefix="/api", tags=["requisitions"], route_class=RefusalRoute)
Requester = Annotated[User, Depends(require_role(Role.REQUESTER))]
IdempotencyHeader = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


@router.post(
    "/requisitions",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": RequisitionAccepted, "description": "Idempotency-Key seen: the same PO"},
        422: {"model": RequisitionRefused, "description": "A validation rule refused it"},
    },
)
async def submit_requisition(
    body: RequisitionIn,
    user: Requester,
    session: SessionDep,
    runtime: RuntimeDep,
    temporal: TemporalDep,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> RequisitionAccepted:
    """Validate the requisition now (every failed rule is named; nothing is stored), then number
    it and start its workflow. The same ``Idempotency-Key`` from the same caller answers 200 with
    the same PO and starts nothing: the key is stored with the number, and the workflow id (from
    the number) is started at most once, whichever request gets there first."""
    requisition = body.to_requisition(user.username)
    number, replayed = await _numbered(
        session, runtime.sessions, user, idempotency_key, requisition
    )
    projected = await run_in_threadpool(_status, runtime.sessions, number) if replayed else None
    if projected is None:
        await _start(temporal, runtime.settings, number, requisition)
    if replayed:
        response.status_code = status.HTTP_200_OK
    return RequisitionAccepted(
        po_number=number,
        workflow_id=workflow_id_for(number),
        status=projected or PoStatus.VALIDATING,
    )


async def _numbered(
    session: Session,
    sessions: sessionmaker[Session],
    user: User,
    key: str | None,
    requisition: Requisition,
) -> tuple[str, bool]:
    """(the PO number, whether the key had been seen); refuses an invalid requisition."""
    known = await run_in_threadpool(_number_for_key, sessions, user.id, key)
    if known is not None:
        return known, True
    refusals = await run_in_threadpool(_refusals, session, requisition)
    if refusals:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "requisition refused",
            refusals=[vars(failure) for failure in refusals],
        )
    return await run_in_threadpool(_allocate, sessions, user.id, key)


def _refusals(session: Session, requisition: Requisition) -> tuple[RuleFailure, ...]:
    """What ``validate_requisition`` refuses today under the price rule of the active policy."""
    stored = active_policy(session)
    if stored is None:
        return (RuleFailure("policy_present", "policy", "no approval policy is stored"),)
    policy = parse_policy(stored.name, stored.version, stored.document)
    reference = reference_data(session, requisition)
    outcome = validate_requisition(
        requisition, reference, today=date.today(), price_above_msa=policy.price_above_msa
    )
    return outcome.refusals


def _number_for_key(sessions: sessionmaker[Session], user_id: int, key: str | None) -> str | None:
    if key is None:
        return None
    with unit_of_work(sessions) as session:
        return session.scalar(
            select(IdempotencyKey.po_number).where(
                IdempotencyKey.key == key, IdempotencyKey.user_id == user_id
            )
        )


def _allocate(sessions: sessionmaker[Session], user_id: int, key: str | None) -> tuple[str, bool]:
    """A new PO number, committed with the caller's key; (number, True) when a concurrent
    request with the same key committed first (its number wins)."""
    try:
        with unit_of_work(sessions) as session:
            number = next_po_number(session)
            if key is not None:
                session.add(IdempotencyKey(key=key, user_id=user_id, po_number=number))
        return number, False
    except IntegrityError:
        winner = _number_for_key(sessions, user_id, key)
        if winner is None:
            raise
        return winner, True


def _status(sessions: sessionmaker[Session], po_number: str) -> PoStatus | None:
    """The PO's status in the read model; None until its workflow first projected it."""
    with unit_of_work(sessions) as session:
        return session.scalar(
            select(PurchaseOrder.status).where(PurchaseOrder.po_number == po_number)
        )


async def _start(
    temporal: Client, settings: Settings, po_number: str, requisition: Requisition
) -> None:
    """Start the PO's workflow, unless its id was ever started (then this starts nothing)."""
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await temporal.start_workflow(
            "PurchaseOrder",
            PurchaseOrderStart(po_number, requisition),
            id=workflow_id_for(po_number),
            task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"{po_number}: {requisition.title} · {requisition.amount()} "
            f"· requested by {requisition.requester}",
        )
