"""Raising a requisition, the same way from the JSON API and the web form (the ITSM intake
shares the check and the start): check it now (the check its workflow runs again), number it
(an ``Idempotency-Key`` seen before answers with the same PO), and start its workflow once."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

from anyio.to_thread import run_sync
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.catalog import PoStatus
from domain.purchase_order import PurchaseOrderStart
from domain.requisition import Requisition
from domain.temporal_names import WorkflowType, workflow_id_for
from domain.validation import FieldRefusal
from models.db import unit_of_work
from models.people.records import User
from models.purchase_orders.governance import IdempotencyKey
from models.purchase_orders.records import PurchaseOrder, next_po_number, record_submitted
from models.purchase_orders.requisition_check import check_requisition
from services.idempotency import requisition_digest
from services.runtime import ServiceRuntime
from settings import Settings


class RequisitionRefused(Exception):
    """Validation refused the requisition; ``failures`` names every failed rule. Nothing is
    stored: no PO number is drawn and the idempotency key stays unused."""

    def __init__(self, refusals: tuple[FieldRefusal, ...]) -> None:
        super().__init__("requisition refused")
        self.refusals = refusals


class IdempotencyKeyReused(Exception):
    """The caller's key came before with another requisition: nothing is stored or started."""

    def __init__(self, po_number: str) -> None:
        super().__init__(
            f"this Idempotency-Key raised {po_number} with another requisition; "
            "use a new key for a new requisition"
        )


@dataclass(frozen=True)
class Submitted:
    po_number: str
    status: PoStatus
    replayed: bool  # the key was seen before: the same PO, started once


async def submit_requisition(
    runtime: ServiceRuntime,
    user: User,
    requisition: Requisition,
    idempotency_key: str | None,
) -> Submitted:
    """Validate the requisition (``RequisitionRefused`` names every failed rule), then number it,
    record it as validating in the read model (readable at once, worker or not) and start its
    workflow. The same key from the same caller answers with the same PO: the key is stored with
    the number, and the workflow id (from the number) is started at most once, whichever request
    gets there first; the same key with another requisition raises ``IdempotencyKeyReused``.
    Each step works in a transaction of its own, so the caller should hold no connection while
    awaiting this."""
    sessions, settings = runtime.sessions, runtime.settings
    submission = _Submission(user.id, idempotency_key, requisition, settings.base_currency)
    number, replayed = await _numbered(sessions, submission)
    projected = await run_sync(projected_status, sessions, number)
    if not replayed or projected in (None, PoStatus.VALIDATING):
        await start_po(runtime.temporal, settings, number, requisition)
    return Submitted(number, projected or PoStatus.VALIDATING, replayed)


def projected_status(sessions: sessionmaker[Session], po_number: str) -> PoStatus | None:
    """The PO's status in the read model; None when no PO has that number."""
    with unit_of_work(sessions) as session:
        return session.scalar(
            select(PurchaseOrder.status).where(PurchaseOrder.po_number == po_number)
        )


async def _numbered(sessions: sessionmaker[Session], submission: _Submission) -> tuple[str, bool]:
    """(the PO number, whether the key had been seen); refuses an invalid requisition."""
    user_id, key, digest = submission.user_id, submission.key, submission.digest
    known = await run_sync(_number_for_key, sessions, user_id, key, digest)
    if known is not None:
        return known, True
    refusals = await run_sync(_refusals_now, sessions, submission.requisition)
    if refusals:
        raise RequisitionRefused(refusals)
    return await run_sync(_allocate, sessions, submission)


def _refusals_now(
    sessions: sessionmaker[Session], requisition: Requisition
) -> tuple[FieldRefusal, ...]:
    with unit_of_work(sessions) as session:
        return refusals_of(session, requisition)


def refusals_of(session: Session, requisition: Requisition) -> tuple[FieldRefusal, ...]:
    """What ``check_requisition`` refuses today (the same check the PO's workflow runs)."""
    return check_requisition(session, requisition, date.today()).outcome.refusals


def _number_for_key(
    sessions: sessionmaker[Session], user_id: int, key: str | None, digest: str
) -> str | None:
    """The PO the caller's key raised; ``IdempotencyKeyReused`` if it came with other content."""
    if key is None:
        return None
    with unit_of_work(sessions) as session:
        stored = session.get(IdempotencyKey, (key, user_id))
        if stored is None:
            return None
        if stored.request_digest not in (None, digest):
            raise IdempotencyKeyReused(stored.po_number)
        return stored.po_number


@dataclass(frozen=True)
class _Submission:
    user_id: int
    key: str | None
    requisition: Requisition
    base_currency: str

    @property
    def digest(self) -> str:
        return requisition_digest(self.requisition)


def _allocate(sessions: sessionmaker[Session], submitted: _Submission) -> tuple[str, bool]:
    """A new PO number, committed with the caller's key and the PO as submitted; (number, True)
    when a concurrent request with the same key committed first (its number wins)."""
    key, user_id, digest = submitted.key, submitted.user_id, submitted.digest
    try:
        with unit_of_work(sessions) as session:
            number = next_po_number(session)
            if key is not None:
                stored = IdempotencyKey(
                    key=key, user_id=user_id, po_number=number, request_digest=digest
                )
                session.add(stored)
                session.flush()  # a concurrent twin fails here, before the PO is recorded
            requisition, base = submitted.requisition, submitted.base_currency
            record_submitted(session, number, workflow_id_for(number), requisition, base)
        return number, False
    except IntegrityError:
        winner = _number_for_key(sessions, user_id, key, digest)
        if winner is None:
            raise
        return winner, True


async def start_po(
    temporal: Client,
    settings: Settings,
    po_number: str,
    requisition: Requisition,
    workflow_id: str | None = None,
) -> None:
    """Start the PO's workflow (its id from the PO number unless given), unless that id was
    ever started: then this starts nothing."""
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await temporal.start_workflow(
            WorkflowType.PURCHASE_ORDER,
            PurchaseOrderStart(po_number, requisition),
            id=workflow_id or workflow_id_for(po_number),
            task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"{po_number}: {requisition.title} · {requisition.amount()} "
            f"· requested by {requisition.requester}",
        )
