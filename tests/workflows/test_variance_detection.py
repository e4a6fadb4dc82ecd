"""The month's variance detection on the time-skipping server over Postgres: by default it reads
the month just closed, starts one investigation per line breaching the policy in force and none
for a line investigated before; the worker's schedule runs it on the 2nd of every month."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import ScheduleOverlapPolicy, ScheduleRange
from temporalio.testing import WorkflowEnvironment

from domain.depreciation_messages import month_before
from domain.fiscal import fiscal_period
from domain.temporal_names import WorkflowType
from domain.variance_investigation import (
    VarianceDetected,
    VarianceDetectRequest,
    variance_workflow_id,
)
from models.budgets.ledger_corrections import post_actual
from models.db import unit_of_work
from settings import Settings
from tests.models.budget_org import MONTHLY, budget_org
from tests.workflows.helpers import ensured_schedule, keep_history
from worker import build_worker
from workflows.variance_schedule import SCHEDULE_ID, ensure_detection_schedule


@pytest.fixture
async def detection_queue(
    time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session], tmp_path: Path
) -> AsyncIterator[str]:
    queue = f"variance-detection-{uuid.uuid4().hex[:8]}"
    settings = Settings(_env_file=None, temporal_task_queue=queue, data_dir=tmp_path)
    async with build_worker(time_env.client, settings, demo_sessions):
        yield queue


async def _detect(env: WorkflowEnvironment, queue: str) -> VarianceDetected:
    handle = await env.client.start_workflow(
        WorkflowType.VARIANCE_DETECTION,
        VarianceDetectRequest(),
        id=f"variance-detection-test-{uuid.uuid4().hex[:8]}",
        task_queue=queue,
        result_type=VarianceDetected,
    )
    result: VarianceDetected = await handle.result()
    await keep_history(handle, "variance_detection")
    return result


async def test_the_month_just_closed_gets_one_investigation_per_breaching_line(
    time_env: WorkflowEnvironment, detection_queue: str, demo_sessions: sessionmaker[Session]
) -> None:
    today = date.today()
    closed = month_before(today.year, today.month)
    period = fiscal_period(date.fromisoformat(f"{closed}-01"), 1)
    with unit_of_work(demo_sessions) as session:
        org = budget_org(session, year=period.fiscal_year)
        over = org.line(org.source, period.period)
        post_actual(
            session,
            over,
            MONTHLY * 3 // 2,  # 50 % over budget
            currency="EUR",
            reference=f"variance-{uuid.uuid4().hex}",
            author=org.finance,
        )
        # The demo database is shared: an active finance holder would join every finance tier.
        org.finance.active = False
    breaching = variance_workflow_id(closed, org.source, org.gl)

    first = await _detect(time_env, detection_queue)
    assert first.period == closed and breaching in first.started
    again = await _detect(time_env, detection_queue)
    assert breaching in again.breaching and breaching not in again.started
    described = await time_env.client.get_workflow_handle(breaching).describe()
    assert described.workflow_type == WorkflowType.VARIANCE_INVESTIGATION


async def test_the_schedule_runs_on_the_second_of_each_month_and_is_created_once(
    temporal_env: WorkflowEnvironment,
) -> None:
    described, action = await ensured_schedule(
        temporal_env.client, SCHEDULE_ID, ensure_detection_schedule
    )
    assert action.workflow == WorkflowType.VARIANCE_DETECTION
    [monthly] = described.schedule.spec.calendars
    assert (monthly.day_of_month, monthly.hour) == ((ScheduleRange(2),), (ScheduleRange(6),))
    assert described.schedule.policy.overlap is ScheduleOverlapPolicy.SKIP
