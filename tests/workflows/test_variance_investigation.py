"""A variance investigation on the time-skipping server over the demo organisation: IT-APPS's
owner (sam) gets a task and a message, explains the variance, finance accepts it or sends it
back; left unanswered, sam is reminded, then it escalates to sam's manager (tom)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from domain.temporal_names import PoQuery, VarianceUpdate, WorkflowType
from domain.variance_investigation import (
    Explanation,
    VarianceReview,
    VarianceStart,
    VarianceStatus,
    VarianceView,
    variance_workflow_id,
)
from models import AuditEntry, OutboundMessage
from models.budgets.variance_investigations import variance_row
from models.costs.governance_tasks import open_tasks_for, task_of
from settings import Settings
from tests.workflows.helpers import arrives, keep_history
from worker import build_worker

Handle = WorkflowHandle[object, VarianceView]


@dataclass
class Runner:
    env: WorkflowEnvironment
    queue: str
    sessions: sessionmaker[Session]

    async def open(self, period: str, **clock: int) -> Handle:
        start = VarianceStart(
            period, "IT-APPS", "6100", "EUR", 1_000_000, 1_400_000, None, ("budget",), **clock
        )
        return await self.env.client.start_workflow(
            WorkflowType.VARIANCE_INVESTIGATION,
            start,
            id=variance_workflow_id(period, "IT-APPS", "6100"),
            task_queue=self.queue,
            result_type=VarianceView,
        )

    def kinds(self, recipient: str, workflow_id: str) -> list[str]:
        with self.sessions() as session:
            bodies = session.scalars(
                select(OutboundMessage.body).where(
                    OutboundMessage.recipient == recipient,
                    OutboundMessage.idempotency_key.startswith(workflow_id),
                )
            )
            return [str(body["kind"]) for body in bodies]

    def actions(self, workflow_id: str) -> list[str]:
        with self.sessions() as session:
            query = select(AuditEntry.action).where(AuditEntry.workflow_id == workflow_id)
            return list(session.scalars(query.order_by(AuditEntry.sequence)))


@pytest.fixture
async def runner(
    time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session], tmp_path: Path
) -> AsyncIterator[Runner]:
    queue = f"variance-{uuid.uuid4().hex[:8]}"
    settings = Settings(_env_file=None, temporal_task_queue=queue, data_dir=tmp_path)
    async with build_worker(time_env.client, settings, demo_sessions):
        yield Runner(time_env, queue, demo_sessions)


async def _view(handle: Handle) -> VarianceView:
    view: VarianceView = await handle.query(PoQuery.VIEW, result_type=VarianceView)
    return view


async def _explain(handle: Handle, actor: str, category: str, comment: str, **more: Any) -> None:
    explanation = Explanation(actor, category, comment, **more)
    await handle.execute_update(VarianceUpdate.EXPLAIN, explanation, result_type=VarianceView)


async def _review(handle: Handle, actor: str, decision: str, note: str = "") -> None:
    review = VarianceReview(actor, decision, note)
    await handle.execute_update(VarianceUpdate.REVIEW, review, result_type=VarianceView)


async def _refused(handle: Handle, update: str, argument: object) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await handle.execute_update(update, argument, result_type=VarianceView)
    return str(getattr(failed.value.cause, "type", ""))


async def test_the_owner_explains_and_finance_accepts(runner: Runner) -> None:
    handle = await runner.open("2031-01")
    workflow_id = handle.id
    await arrives(lambda: runner.kinds("sam", workflow_id), "variance_investigation")
    with runner.sessions() as session:
        assert workflow_id in [task.workflow_id for task in open_tasks_for(session, "sam")]
    assert await _refused(handle, VarianceUpdate.REVIEW, VarianceReview("fiona", "accept")) == (
        "not_waiting"
    )
    wrong = Explanation("alex", "price", "new rates")
    assert await _refused(handle, VarianceUpdate.EXPLAIN, wrong) == "not_entitled"
    bad = Explanation("sam", "weather", "storm")
    assert await _refused(handle, VarianceUpdate.EXPLAIN, bad) == "invalid_category"

    await _explain(handle, "sam", "one_off", "the yearly licence true-up fell in this month")
    await arrives(lambda: runner.kinds("fiona", workflow_id), "variance_review")
    with runner.sessions() as session:
        assert workflow_id not in [task.workflow_id for task in open_tasks_for(session, "sam")]
    await _review(handle, "fiona", "accept")
    view = await handle.result()

    assert view.status is VarianceStatus.ACCEPTED
    assert [(e.actor, e.action, e.category) for e in view.history] == [
        ("sam", "explained", "one_off"),
        ("fiona", "accepted", None),
    ]
    with runner.sessions() as session:
        row, task = variance_row(session, workflow_id), task_of(session, workflow_id)
    assert row is not None and row.status == "accepted" and row.owner == "sam"
    assert row.history[0]["text"] == "the yearly licence true-up fell in this month"
    assert task is not None and task.outcome == "accepted" and task.waiting_on == []
    assert runner.actions(workflow_id) == [
        "variance.opened",
        "variance.explained",
        "variance.accepted",
    ]


async def test_finance_sends_it_back_and_accepts_the_second_explanation(runner: Runner) -> None:
    handle = await runner.open("2031-02")
    await _explain(handle, "sam", "volume", "more users")
    assert await _refused(handle, VarianceUpdate.REVIEW, VarianceReview("sam", "accept")) == (
        "explainer_may_not_review"
    )
    await _review(handle, "fiona", "send_back", "which users, and until when?")
    await arrives(lambda: runner.kinds("sam", handle.id), "variance_sent_back")
    assert (await _view(handle)).status is VarianceStatus.SENT_BACK
    await _explain(handle, "sam", "volume", "40 contractors onboarded for the ERP project")
    await _review(handle, "felix", "accept")
    view = await handle.result()
    assert [e.action for e in view.history] == ["explained", "sent_back", "explained", "accepted"]
    await keep_history(handle, "variance_sent_back_then_accepted")
    with runner.sessions() as session:
        row = variance_row(session, handle.id)
    assert row is not None and row.status == "accepted" and len(row.history) == 4


async def test_an_unanswered_variance_is_reminded_then_escalated_to_the_owners_manager(
    runner: Runner,
) -> None:
    handle = await runner.open("2031-03")
    workflow_id = handle.id
    await arrives(lambda: runner.kinds("sam", workflow_id), "variance_investigation")
    await runner.env.sleep(timedelta(days=2, hours=1))
    await arrives(lambda: runner.kinds("sam", workflow_id), "reminder")
    assert "escalation" not in runner.kinds("tom", workflow_id)
    await runner.env.sleep(timedelta(days=3))
    await arrives(lambda: runner.kinds("tom", workflow_id), "escalation")
    await arrives(lambda: runner.actions(workflow_id), "variance.escalated")
    view = await _view(handle)
    assert "tom" in view.waiting_on and view.status is VarianceStatus.OPEN
    with runner.sessions() as session:
        assert workflow_id in [task.workflow_id for task in open_tasks_for(session, "tom")]
    await _explain(handle, "tom", "timing", "Q1 invoices booked early")  # the manager answers
    await _review(handle, "fiona", "accept")
    assert (await handle.result()).status is VarianceStatus.ACCEPTED
    await keep_history(handle, "variance_escalated")
