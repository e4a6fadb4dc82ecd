"""Spend anomalies on the time-skipping server over a real FOCUS export with one day of its EC2
account multiplied tenfold: detection starts one run per finding (and none the second time),
and a finding of a day that closed long ago goes to the owner's manager at once; the owner who
explains a fresh finding in time closes it; one nobody answers escalates to the owner's manager
after three days, then to FinOps, who answer it; under a policy whose
``spend_anomaly_escalation`` gives minutes, detection's runs escalate at those minutes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import (
    ScheduleOverlapPolicy,
    ScheduleRange,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from domain.costs.anomaly_escalation import ACKNOWLEDGE_WITHIN_MINUTES, EscalationRule
from domain.costs.spend_anomalies import (
    Acknowledgement,
    AnomalyStart,
    AnomalyStatus,
    AnomalyView,
    Detection,
    DetectionRequest,
    Feedback,
    anomaly_workflow_id,
)
from domain.temporal_names import AnomalyUpdate, PoQuery, WorkflowType
from models import AuditEntry, OutboundMessage
from models.costs.anomaly_records import SpendAnomaly
from models.costs.governance_tasks import open_tasks_for, task_of
from models.db import build_engine, session_factory, unit_of_work
from models.people.accounts import find_user
from models.purchase_orders.policy_store import store_policy
from settings import Settings
from tests.builders.spend_anomalies import SpikedSample, load_spiked_sample
from tests.conftest import app_role_url, fresh_database
from tests.workflows.helpers import arrives, ensured_schedule, keep_history
from worker import build_worker
from workflows.costs.anomaly_schedule import SCHEDULE_ID, ensure_anomaly_schedule

AnomalyHandle = WorkflowHandle[object, AnomalyView]
ACKNOWLEDGE_WITHIN = timedelta(minutes=ACKNOWLEDGE_WITHIN_MINUTES)
SEPTEMBER = DetectionRequest(date(2024, 9, 1), date(2024, 9, 30))


@dataclass
class Spiked:
    sample: SpikedSample
    sessions: sessionmaker[Session]


@pytest.fixture(scope="module")
def spiked(postgres_admin_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Spiked]:
    url = app_role_url(fresh_database(postgres_admin_url, "poflow_spend_anomaly_test"))
    engine = build_engine(url, pool_size=4)
    sample = load_spiked_sample(engine, Path(tmp_path_factory.mktemp("spiked")))
    yield Spiked(sample, session_factory(engine))
    engine.dispose()


@pytest.fixture
async def env(
    time_env: WorkflowEnvironment, spiked: Spiked, tmp_path: Path
) -> AsyncIterator[tuple[WorkflowEnvironment, str]]:
    queue = f"anomaly-{uuid.uuid4().hex[:8]}"
    settings = Settings(_env_file=None, temporal_task_queue=queue, data_dir=tmp_path)
    async with build_worker(time_env.client, settings, spiked.sessions):
        yield time_env, queue


def _finding(sessions: sessionmaker[Session], kind: str) -> SpendAnomaly:
    with sessions() as session:
        row = session.scalars(select(SpendAnomaly).where(SpendAnomaly.kind == kind)).one()
        session.expunge(row)
        return row


def _fresh_finding(
    sessions: sessionmaker[Session], owner: str, day: date | None = None
) -> SpendAnomaly:
    """A finding of ``day``'s cost (yesterday's) on an account of the owner's, as detection
    stores it."""
    day, key = day or date.today() - timedelta(days=1), f"acct-{uuid.uuid4().hex[:8]}"
    row = SpendAnomaly(
        kind="account",
        series_key=key,
        day=day,
        source="aws",
        currency="USD",
        actual_minor=250_00,
        expected_minor=20_00,
        lower_minor=0,
        upper_minor=60_00,
        score=35.0,
        impact_minor=230_00,
        owner=owner,
        status="open",
        workflow_id=anomaly_workflow_id("account", key, day),
        found_at=datetime.now(UTC),
    )
    with sessions.begin() as session:
        session.add(row)
    with sessions() as session:
        found = session.get(SpendAnomaly, row.id)
        assert found is not None
        session.expunge(found)
        return found


async def _start(env: tuple[WorkflowEnvironment, str], finding: SpendAnomaly) -> AnomalyHandle:
    time_env, queue = env
    handle: AnomalyHandle = await time_env.client.start_workflow(
        WorkflowType.SPEND_ANOMALY,
        AnomalyStart(finding.id),
        id=finding.workflow_id,
        task_queue=queue,
        result_type=AnomalyView,
    )
    return handle


def _kinds(sessions: sessionmaker[Session], recipient: str, workflow_id: str) -> list[str]:
    with sessions() as session:
        bodies = session.scalars(
            select(OutboundMessage.body).where(
                OutboundMessage.recipient == recipient,
                OutboundMessage.idempotency_key.startswith(workflow_id),
            )
        )
        return [str(body["kind"]) for body in bodies]


async def _view_when(handle: AnomalyHandle, ready: Callable[[AnomalyView], bool]) -> AnomalyView:
    for _ in range(300):
        view: AnomalyView = await handle.query(PoQuery.VIEW, result_type=AnomalyView)
        if ready(view):
            return view
        await asyncio.sleep(0.1)
    raise AssertionError(f"never got there; last: {view.status} {view.waiting_on}")


async def _answer(handle: AnomalyHandle, answer: Acknowledgement) -> AnomalyView:
    view: AnomalyView = await handle.execute_update(
        AnomalyUpdate.ACKNOWLEDGE, answer, result_type=AnomalyView
    )
    return view


async def _refused(handle: AnomalyHandle, answer: Acknowledgement) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await _answer(handle, answer)
    cause: Any = failed.value.cause
    assert isinstance(cause, ApplicationError)
    return str(cause.type)


async def test_detection_starts_one_run_per_finding_and_a_late_one_escalates_at_once(
    env: tuple[WorkflowEnvironment, str], spiked: Spiked
) -> None:
    time_env, queue = env
    sessions, sample = spiked.sessions, spiked.sample
    first_run = await time_env.client.start_workflow(
        WorkflowType.SPEND_ANOMALY_DETECTION,
        SEPTEMBER,
        id=f"detect-{uuid.uuid4().hex[:6]}",
        task_queue=queue,
        result_type=Detection,
    )
    detection = await first_run.result()
    account = _finding(sessions, "account")
    assert account.workflow_id in detection.started
    again = await time_env.client.execute_workflow(
        WorkflowType.SPEND_ANOMALY_DETECTION,
        SEPTEMBER,
        id=f"detect-{uuid.uuid4().hex[:6]}",
        task_queue=queue,
        result_type=Detection,
    )
    assert again.started == () and again.waiting == detection.waiting, "a finding has one run"

    # September 2024 closed long ago: the owner's three days are over, the manager has it.
    handle: AnomalyHandle = time_env.client.get_workflow_handle(
        account.workflow_id, result_type=AnomalyView
    )
    view = await _view_when(handle, lambda v: sample.manager in v.waiting_on)
    assert view.status is AnomalyStatus.ESCALATED and sample.owner in view.waiting_on
    await arrives(lambda: _kinds(sessions, sample.manager, account.workflow_id), "escalation")
    answer = Acknowledgement(sample.owner, Feedback.PLANNED, "the September load test")
    assert (await _answer(handle, answer)).status is AnomalyStatus.EXPLAINED
    assert (await handle.result()).status is AnomalyStatus.EXPLAINED
    await keep_history(handle, "spend_anomaly_backfilled")
    await keep_history(first_run, "spend_anomaly_detection")


async def test_the_owner_who_explains_in_time_closes_the_finding(
    env: tuple[WorkflowEnvironment, str], spiked: Spiked
) -> None:
    time_env, _ = env
    sessions, owner = spiked.sessions, spiked.sample.owner
    finding = _fresh_finding(sessions, owner)
    handle = await _start(env, finding)
    await _view_when(handle, lambda v: v.waiting_on == [owner])
    await arrives(lambda: _kinds(sessions, owner, finding.workflow_id), "spend_anomaly")
    with sessions() as session:
        assert finding.workflow_id in [t.workflow_id for t in open_tasks_for(session, owner)]
    stranger = Acknowledgement(spiked.sample.manager, Feedback.PLANNED, "migration")
    assert await _refused(handle, stranger) == "not_entitled"
    assert await _refused(handle, Acknowledgement(owner, Feedback.PLANNED, " ")) == (
        "explanation_required"
    )

    await time_env.sleep(ACKNOWLEDGE_WITHIN - timedelta(hours=1))
    answer = Acknowledgement(owner, Feedback.PLANNED, "load test of the new release")
    view = await _answer(handle, answer)
    assert view.status is AnomalyStatus.EXPLAINED and view.waiting_on == []
    assert (await handle.result()).status is AnomalyStatus.EXPLAINED
    with sessions() as session:
        row = session.get(SpendAnomaly, finding.id)
        task = task_of(session, finding.workflow_id)
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.workflow_id == finding.workflow_id)
        ).all()
    assert row is not None and (row.status, row.feedback, row.answered_by) == (
        "explained",
        "planned",
        owner,
    )
    assert row.explanation == "load test of the new release"
    assert task is not None and task.outcome == "explained" and task.waiting_on == []
    assert "spend_anomaly.explained" in actions and "spend_anomaly.escalated" not in actions
    await keep_history(handle, "spend_anomaly_explained")


async def test_no_answer_escalates_to_the_manager_then_finops_who_answer_it(
    env: tuple[WorkflowEnvironment, str], spiked: Spiked
) -> None:
    time_env, _ = env
    sessions, sample = spiked.sessions, spiked.sample
    finding = _fresh_finding(sessions, sample.owner)
    handle = await _start(env, finding)
    await _view_when(handle, lambda v: v.waiting_on == [sample.owner])

    await time_env.sleep(ACKNOWLEDGE_WITHIN + timedelta(hours=1))
    view = await _view_when(handle, lambda v: sample.manager in v.waiting_on)
    assert view.status is AnomalyStatus.ESCALATED and sample.finops not in view.waiting_on
    await arrives(lambda: _kinds(sessions, sample.owner, finding.workflow_id), "reminder")
    await arrives(lambda: _kinds(sessions, sample.manager, finding.workflow_id), "escalation")
    with sessions() as session:
        row = session.get(SpendAnomaly, finding.id)
    assert row is not None and row.status == "escalated" and sample.manager in row.waiting_on

    await time_env.sleep(ACKNOWLEDGE_WITHIN)
    await _view_when(handle, lambda v: sample.finops in v.waiting_on)
    await arrives(lambda: _kinds(sessions, sample.finops, finding.workflow_id), "escalation")
    answer = Acknowledgement(sample.finops, Feedback.UNEXPECTED, "a runaway job; stopped")
    view = await _answer(handle, answer)
    assert view.status is AnomalyStatus.ACKNOWLEDGED
    with sessions() as session:
        row = session.get(SpendAnomaly, finding.id)
    assert row is not None and (row.status, row.answered_by) == ("acknowledged", sample.finops)
    await keep_history(handle, "spend_anomaly_escalated")


def _store_policy(spiked: Spiked, escalation: dict[str, int] | None) -> None:
    """A policy (USD, as the sample) in force, with ``escalation`` as its section when given."""
    document: dict[str, Any] = {
        "base_currency": "USD",
        "tiers": [{"name": "finance", "approvers": {"role": "finance"}}],
    }
    if escalation is not None:
        document["spend_anomaly_escalation"] = escalation
    with unit_of_work(spiked.sessions) as session:
        author = find_user(session, spiked.sample.finops)
        assert author is not None
        note = "minutes to answer a spend anomaly" if escalation else "the default clock"
        at = datetime.now(UTC)
        store_policy(
            session, "anomalies", document, note=note, author=author, base_currency="USD", at=at
        )


async def test_the_policy_s_escalation_section_sets_when_the_owner_is_reminded_and_escalated(
    env: tuple[WorkflowEnvironment, str], spiked: Spiked
) -> None:
    time_env, queue = env
    sessions, sample = spiked.sessions, spiked.sample
    _store_policy(spiked, {"deadline_minutes": 10, "reminder_minutes": 4})
    try:
        day = (await time_env.get_current_time()).date() - timedelta(days=1)
        finding = _fresh_finding(sessions, sample.owner, day)
        detection = await time_env.client.execute_workflow(
            WorkflowType.SPEND_ANOMALY_DETECTION,
            DetectionRequest(day, day),
            id=f"detect-{uuid.uuid4().hex[:6]}",
            task_queue=queue,
            result_type=Detection,
        )
    finally:
        _store_policy(spiked, None)
    assert detection.escalation == EscalationRule(10, 4)
    assert finding.workflow_id in detection.started
    handle: AnomalyHandle = time_env.client.get_workflow_handle(
        finding.workflow_id, result_type=AnomalyView
    )
    await _view_when(handle, lambda v: v.waiting_on == [sample.owner])
    with sessions() as session:
        task = task_of(session, finding.workflow_id)
    assert task is not None and task.deadline is not None
    assert timedelta(minutes=10) <= task.deadline - task.opened_at < timedelta(minutes=11)

    await time_env.sleep(timedelta(minutes=8))  # a reminder at 4 minutes, still the owner's
    await arrives(lambda: _kinds(sessions, sample.owner, finding.workflow_id), "reminder")
    view = await handle.query(PoQuery.VIEW, result_type=AnomalyView)
    assert (view.status, view.waiting_on) == (AnomalyStatus.OPEN, [sample.owner])

    await time_env.sleep(timedelta(minutes=3))  # past the 10 minutes: the manager's turn
    view = await _view_when(handle, lambda v: sample.manager in v.waiting_on)
    assert view.status is AnomalyStatus.ESCALATED and sample.finops not in view.waiting_on
    await time_env.sleep(timedelta(minutes=10))  # the manager's 10 minutes: FinOps
    await _view_when(handle, lambda v: sample.finops in v.waiting_on)
    answer = Acknowledgement(sample.finops, Feedback.UNEXPECTED, "a test cluster left running")
    assert (await _answer(handle, answer)).status is AnomalyStatus.ACKNOWLEDGED
    await keep_history(handle, "spend_anomaly_policy_clock")


async def test_the_schedule_runs_detection_daily_at_noon_utc_and_is_created_once(
    temporal_env: WorkflowEnvironment,
) -> None:
    described, action = await ensured_schedule(
        temporal_env.client, SCHEDULE_ID, ensure_anomaly_schedule
    )
    assert action.workflow == WorkflowType.SPEND_ANOMALY_DETECTION
    [daily] = described.schedule.spec.calendars
    assert daily.hour == (ScheduleRange(12),) and described.schedule.spec.time_zone_name == "UTC"
    assert described.schedule.policy.overlap is ScheduleOverlapPolicy.SKIP
