"""Change control of a governed cost document on the time-skipping server: the proposal waits on
finance (never its author, who holds the finance role), shows in the reviewer's inbox, is
chased by reminders and escalated to the FinOps fallback, and takes effect only once approved."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from domain.catalog import Decision, Role
from domain.costs.document_review import DocumentReviewStart, DocumentReviewView, ReviewStatus
from domain.costs.governance import DocumentStatus
from domain.entitlement import DecisionRequest
from domain.temporal_names import PoQuery, PoUpdate
from models import AuditEntry, OutboundMessage
from models.costs.document_store import document_version, propose_document
from models.costs.governance_tasks import GovernanceTaskRow, open_tasks_for, task_of
from models.db import unit_of_work
from models.people.accounts import find_user, upsert_user
from services.costs.document_changes import start_review
from settings import Settings
from tests.builders.cost_documents import KIND, small_rate_cards
from tests.workflows.conftest import PoRunner
from tests.workflows.helpers import arrives, eventually, keep_history

ReviewHandle = WorkflowHandle[object, DocumentReviewView]


@pytest.fixture(autouse=True)
def rate_cards() -> Iterator[None]:
    """A small kind of document: named integer rates (the worker runs in this process)."""
    with small_rate_cards():
        yield


def _proposed_by_fiona(sessions: sessionmaker[Session], rates: dict[str, int]) -> int:
    with unit_of_work(sessions) as session:
        fiona = find_user(session, "fiona")
        assert fiona is not None
        at = datetime.now(UTC)
        row = propose_document(session, KIND, {"rates": rates}, note="", author=fiona, at=at)
        return row.version


def _finops_holder(sessions: sessionmaker[Session]) -> str:
    with unit_of_work(sessions) as session:
        return upsert_user(session, f"finops-{uuid.uuid4().hex[:6]}", roles=[Role.FINOPS]).username


async def _review_when(
    handle: ReviewHandle, ready: Callable[[DocumentReviewView], bool]
) -> DocumentReviewView:
    for _ in range(200):
        view: DocumentReviewView = await handle.query(PoQuery.VIEW, result_type=DocumentReviewView)
        if ready(view):
            return view
        await asyncio.sleep(0.1)
    raise AssertionError(f"the review never got there; last: {view.status} {view.waiting_on()}")


async def _decide(handle: ReviewHandle, actor: str, action: Decision, **more: Any) -> Any:
    return await handle.execute_update(
        PoUpdate.DECIDE, DecisionRequest(actor, action, **more), result_type=DocumentReviewView
    )


async def _refused(handle: ReviewHandle, actor: str, action: Decision, **more: Any) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await _decide(handle, actor, action, **more)
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError)
    return str(cause.type)


def _kinds_to(session: Session, recipient: str, workflow_id: str) -> list[str]:
    session.expire_all()
    bodies = session.scalars(
        select(OutboundMessage.body).where(
            OutboundMessage.recipient == recipient,
            OutboundMessage.idempotency_key.startswith(workflow_id),
        )
    )
    return [str(body["kind"]) for body in bodies]


def _task(session: Session, workflow_id: str) -> GovernanceTaskRow | None:
    session.expire_all()
    return task_of(session, workflow_id)


def _audit_of(session: Session, version: int) -> list[tuple[str, str]]:
    session.expire_all()
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_id == f"{KIND} v{version}")
        .order_by(AuditEntry.sequence)
    )
    return [(entry.action, entry.actor) for entry in entries]


async def test_a_rate_change_is_chased_escalated_and_takes_effect_once_finance_approves(
    po_runner: PoRunner,
    time_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    db: Session,
) -> None:
    finops = _finops_holder(demo_sessions)
    version = _proposed_by_fiona(demo_sessions, {"vm-hour": 4, "storage-gb": 2})
    settings = Settings(_env_file=None, temporal_task_queue=po_runner.queue)
    await start_review(time_env.client, settings, DocumentReviewStart(KIND, version, "fiona"))
    workflow_id = f"cost-document-{KIND}-v{version}"
    po_runner.track(workflow_id)
    handle: ReviewHandle = time_env.client.get_workflow_handle(workflow_id)

    view = await _review_when(handle, lambda v: v.status is ReviewStatus.WAITING)
    assert "felix" in view.waiting_on() and "fiona" not in view.waiting_on()
    task = await eventually(lambda: _task(db, workflow_id))
    assert task.link == f"/costs/documents/{KIND}/versions/{version}"
    assert workflow_id in [t.workflow_id for t in open_tasks_for(db, "felix")]
    assert workflow_id not in [t.workflow_id for t in open_tasks_for(db, "fiona")]
    await arrives(lambda: _kinds_to(db, "felix", workflow_id), "cost_document_review")
    # fiona holds the finance role, and still may not decide her own change
    assert await _refused(handle, "fiona", Decision.APPROVE) == "author_may_not_decide"
    assert await _refused(handle, "maria", Decision.APPROVE) == "not_entitled"

    await time_env.sleep(timedelta(hours=25))
    await arrives(lambda: _kinds_to(db, "felix", workflow_id), "reminder")
    await time_env.sleep(timedelta(hours=24))
    await _review_when(handle, lambda v: finops in v.waiting_on())
    await arrives(lambda: _kinds_to(db, finops, workflow_id), "escalation")
    await eventually(lambda: finops in _task(db, workflow_id).waiting_on or None)  # type: ignore[union-attr]
    assert workflow_id in [t.workflow_id for t in open_tasks_for(db, finops)]
    proposed = document_version(db, KIND, version)
    assert proposed is not None and proposed.status is DocumentStatus.PROPOSED

    assert await _refused(handle, "felix", Decision.REJECT) == "comment_required"
    view = await _decide(handle, "felix", Decision.APPROVE, comment="rates checked")
    assert view.status is ReviewStatus.APPROVED
    db.expire_all()
    row = document_version(db, KIND, version)
    assert row is not None and row.status is DocumentStatus.IN_FORCE
    felix = find_user(db, "felix")
    assert felix is not None and row.decided_by_id == felix.id
    audit = _audit_of(db, version)
    assert ("cost_document.proposed", "fiona") in audit
    assert ("cost_document.review_escalated", "poflow") in audit
    assert audit[-2:] == [
        ("cost_document.review_approve", "felix"),
        ("cost_document.approved", "felix"),
    ]
    closed = _task(db, workflow_id)
    assert closed is not None and closed.outcome == "approved" and closed.waiting_on == []
    await arrives(lambda: _kinds_to(db, "fiona", workflow_id), "cost_document_decided")
    await keep_history(handle, "cost_document_review")
