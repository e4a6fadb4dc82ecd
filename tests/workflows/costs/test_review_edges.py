"""The edges of a cost document's review on the time-skipping server, in a database of its own
(its people and roles are the test's): a change nobody but its author may review is refused
when proposed, and a review that finds nobody waits visibly until someone may; approving a
version closes the reviews of the older versions still under review as superseded."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from domain.catalog import Decision, Role
from domain.costs.document_review import (
    DocumentReviewStart,
    DocumentReviewView,
    ReviewStatus,
    review_workflow_id,
)
from domain.costs.governance import DocumentStatus
from domain.entitlement import DecisionRequest
from domain.temporal_names import PoQuery, PoUpdate
from models import AuditEntry, OutboundMessage
from models.costs.document_store import document_version, document_versions, propose_document
from models.costs.governance_tasks import GovernanceTaskRow, open_tasks_for, task_of
from models.db import build_engine, session_factory, unit_of_work
from models.people.accounts import find_user, upsert_user
from services.costs.document_changes import propose_change, start_review
from services.refusals import RuleRefused
from services.runtime import ServiceRuntime
from settings import Settings
from tests.builders.cost_documents import KIND, small_rate_cards
from tests.conftest import app_role_url, fresh_database
from tests.workflows.helpers import arrives, eventually, keep_history
from worker import build_worker

ReviewHandle = WorkflowHandle[object, DocumentReviewView]


@pytest.fixture(autouse=True)
def rate_cards() -> Iterator[None]:
    """A small kind of document: named integer rates (the worker runs in this process)."""
    with small_rate_cards():
        yield


@pytest.fixture(scope="module")
def sessions(postgres_admin_url: str) -> Iterator[sessionmaker[Session]]:
    """A database with no organisation in it: each test names its own people."""
    url = app_role_url(fresh_database(postgres_admin_url, "poflow_review_edges_test"))
    engine = build_engine(url, pool_size=4)
    yield session_factory(engine)
    engine.dispose()


@dataclass
class Reviews:
    env: WorkflowEnvironment
    runtime: ServiceRuntime

    def handle(self, version: int) -> ReviewHandle:
        workflow_id = review_workflow_id(KIND, version)
        return self.env.client.get_workflow_handle(workflow_id, result_type=DocumentReviewView)

    async def start(self, version: int, author: str) -> ReviewHandle:
        start = DocumentReviewStart(KIND, version, author)
        await start_review(self.env.client, self.runtime.settings, start)
        return self.handle(version)


@pytest.fixture
async def reviews(
    time_env: WorkflowEnvironment, sessions: sessionmaker[Session], tmp_path: Path
) -> AsyncIterator[Reviews]:
    queue = f"review-edges-{uuid.uuid4().hex[:8]}"
    settings = Settings(_env_file=None, temporal_task_queue=queue, data_dir=tmp_path)
    async with build_worker(time_env.client, settings, sessions):
        yield Reviews(time_env, ServiceRuntime(sessions, settings, time_env.client))


def _person(sessions: sessionmaker[Session], name: str, *roles: Role) -> str:
    with unit_of_work(sessions) as session:
        return upsert_user(session, f"{name}-{uuid.uuid4().hex[:6]}", roles=list(roles)).username


def _stored(sessions: sessionmaker[Session], author: str, rate: int) -> int:
    """A proposal kept as it is whoever may review it (as when roles change after it)."""
    with unit_of_work(sessions) as session:
        user = find_user(session, author)
        assert user is not None
        document = {"rates": {"vm-hour": rate}}
        at = datetime.now(UTC)
        return propose_document(session, KIND, document, note="", author=user, at=at).version


async def _review_when(
    handle: ReviewHandle, ready: Callable[[DocumentReviewView], bool]
) -> DocumentReviewView:
    for _ in range(200):
        view: DocumentReviewView = await handle.query(PoQuery.VIEW, result_type=DocumentReviewView)
        if ready(view):
            return view
        await asyncio.sleep(0.1)
    raise AssertionError(f"the review never got there; last: {view.status} {view.waiting_on()}")


async def _decide(handle: ReviewHandle, actor: str) -> DocumentReviewView:
    request = DecisionRequest(actor, Decision.APPROVE)
    view: DocumentReviewView = await handle.execute_update(
        PoUpdate.DECIDE, request, result_type=DocumentReviewView
    )
    return view


def _task(sessions: sessionmaker[Session], version: int) -> GovernanceTaskRow | None:
    with sessions() as session:
        return task_of(session, review_workflow_id(KIND, version))


def _inbox(sessions: sessionmaker[Session], username: str) -> list[str]:
    with sessions() as session:
        return [task.workflow_id for task in open_tasks_for(session, username)]


def _audit(sessions: sessionmaker[Session], version: int) -> list[str]:
    with sessions() as session:
        entity = f"{KIND} v{version}"
        return list(
            session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == entity))
        )


def _subjects_to(sessions: sessionmaker[Session], person: str, version: int) -> list[str]:
    with sessions() as session:
        return list(
            session.scalars(
                select(OutboundMessage.subject).where(
                    OutboundMessage.recipient == person,
                    OutboundMessage.idempotency_key.startswith(review_workflow_id(KIND, version)),
                )
            )
        )


def _status(sessions: sessionmaker[Session], version: int) -> DocumentStatus:
    with sessions() as session:
        row = document_version(session, KIND, version)
        assert row is not None
        return row.status


async def test_a_change_nobody_else_may_review_is_refused_or_waits_for_a_reviewer(
    reviews: Reviews, sessions: sessionmaker[Session]
) -> None:
    author = _person(sessions, "finance-admin", Role.FINANCE, Role.ADMIN)
    with sessions() as session:
        user, before = find_user(session, author), len(document_versions(session, KIND))
    assert user is not None
    with pytest.raises(RuleRefused) as refused:
        await propose_change(reviews.runtime, user, KIND, {"rates": {"vm-hour": 4}}, "")
    assert refused.value.rule == "no_reviewer"
    with sessions() as session:
        assert len(document_versions(session, KIND)) == before  # nothing stored

    version = _stored(sessions, author, 4)
    handle = await reviews.start(version, author)
    await _review_when(handle, lambda v: v.status is ReviewStatus.NEEDS_REVIEWER)
    task = await eventually(lambda: _task(sessions, version))
    assert task.title.startswith("Needs attention: nobody may review") and task.outcome is None
    assert "cost_document.review_needs_reviewer" in _audit(sessions, version)
    await arrives(lambda: _subjects_to(sessions, author, version), _no_reviewer(version))

    reviewer = _person(sessions, "finance", Role.FINANCE)
    await reviews.env.sleep(timedelta(hours=1, minutes=1))
    view = await _review_when(handle, lambda v: v.status is ReviewStatus.WAITING)
    assert view.waiting_on() == [reviewer]
    await eventually(lambda: review_workflow_id(KIND, version) in _inbox(sessions, reviewer))
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await _decide(handle, author)
    assert isinstance(failed.value.cause, ApplicationError)
    assert failed.value.cause.type == "author_may_not_decide"
    assert (await _decide(handle, reviewer)).status is ReviewStatus.APPROVED
    assert _status(sessions, version) is DocumentStatus.IN_FORCE
    await keep_history(handle, "cost_document_review_needs_reviewer")


def _no_reviewer(version: int) -> str:
    return f"Nobody may review {KIND} v{version}: give someone the role to review it"


async def test_approving_a_version_closes_the_older_reviews_as_superseded(
    reviews: Reviews, sessions: sessionmaker[Session]
) -> None:
    author = _person(sessions, "author", Role.FINANCE)
    reviewer = _person(sessions, "reviewer", Role.FINANCE)
    older, newer = _stored(sessions, author, 3), _stored(sessions, author, 4)
    older_review, newer_review = (
        await reviews.start(older, author),
        await reviews.start(newer, author),
    )
    for handle in (older_review, newer_review):
        await _review_when(handle, lambda v: v.status is ReviewStatus.WAITING)
    older_id = review_workflow_id(KIND, older)
    await eventually(lambda: older_id in _inbox(sessions, reviewer))

    assert (await _decide(newer_review, reviewer)).status is ReviewStatus.APPROVED
    closed = await _review_when(older_review, lambda v: v.status is not ReviewStatus.WAITING)
    assert closed.status is ReviewStatus.SUPERSEDED and closed.waiting_on() == []
    assert (await older_review.result()).status is ReviewStatus.SUPERSEDED
    assert older_id not in _inbox(sessions, reviewer)
    task = _task(sessions, older)
    assert task is not None and task.outcome == "superseded"
    assert _status(sessions, older) is DocumentStatus.SUPERSEDED
    assert _status(sessions, newer) is DocumentStatus.IN_FORCE
    assert {"cost_document.superseded", "cost_document.review_superseded"} <= set(
        _audit(sessions, older)
    )
    await arrives(lambda: _subjects_to(sessions, author, older), f"{KIND} v{older} superseded")
    await keep_history(older_review, "cost_document_review_superseded")
    await keep_history(newer_review, "cost_document_review_supersedes")


async def test_an_older_version_approved_after_a_newer_one_is_superseded_not_in_force(
    reviews: Reviews, sessions: sessionmaker[Session]
) -> None:
    """A review the newer version's approval could not reach (it was in force before reviews
    told each other) closes as superseded when approved: the newer version stays in force."""
    author = _person(sessions, "author", Role.FINANCE)
    reviewer = _person(sessions, "reviewer", Role.FINANCE)
    older = _stored(sessions, author, 3)
    handle = await reviews.start(older, author)
    await _review_when(handle, lambda v: v.status is ReviewStatus.WAITING)
    newer = _stored(sessions, author, 4)
    with unit_of_work(sessions) as session:  # in force without a review, older left proposed
        row = document_version(session, KIND, newer)
        assert row is not None
        row.status, row.effective_from = DocumentStatus.IN_FORCE, datetime.now(UTC)

    view = await _decide(handle, reviewer)
    assert view.status is ReviewStatus.SUPERSEDED
    assert _status(sessions, older) is DocumentStatus.SUPERSEDED
    assert _status(sessions, newer) is DocumentStatus.IN_FORCE
