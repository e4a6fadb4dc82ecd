"""What starts the month-end close each month: the schedule (created once, on the 1st) starts a
``MonthEndClose`` with no month, which starts the close of the month just ended as its own run,
``close-<YYYY-MM>``, once however often it is started."""

from __future__ import annotations

import contextlib
import uuid

from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import ScheduleRange
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.close.messages import CloseStart, CloseStatus, CloseView
from domain.depreciation_messages import month_before
from domain.temporal_names import PoQuery, WorkflowType, close_workflow_id
from settings import Settings
from tests.workflows.helpers import ensured_schedule
from worker import build_worker
from workflows.close_schedule import SCHEDULE_ID, ensure_close_schedule


async def test_the_schedule_starts_on_the_first_of_each_month_and_is_created_once(
    temporal_env: WorkflowEnvironment,
) -> None:
    described, action = await ensured_schedule(
        temporal_env.client, SCHEDULE_ID, ensure_close_schedule
    )
    assert action.workflow == WorkflowType.MONTH_END_CLOSE
    [monthly] = described.schedule.spec.calendars
    assert (monthly.day_of_month, monthly.hour) == ((ScheduleRange(1),), (ScheduleRange(3),))


async def test_a_scheduled_start_closes_the_month_just_ended_once(
    time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session]
) -> None:
    queue = f"close-start-{uuid.uuid4().hex[:8]}"
    settings = Settings(_env_file=None, temporal_task_queue=queue)
    now = await time_env.get_current_time()
    period = month_before(now.year, now.month)
    client = time_env.client
    async with build_worker(client, settings, demo_sessions):
        try:
            runs = []
            for run in range(2):
                started = await client.execute_workflow(
                    WorkflowType.MONTH_END_CLOSE,
                    CloseStart(""),
                    id=f"month-end-close-{run}-{queue}",
                    task_queue=queue,
                    result_type=CloseView,
                )
                assert started.period == period
                close = client.get_workflow_handle(close_workflow_id(period))
                runs.append((await close.describe()).run_id)
            assert runs[0] == runs[1]  # the second start left the first close running
            view = await close.query(PoQuery.VIEW, result_type=CloseView)
            assert view.period == period and view.status is not CloseStatus.REVERSED
        finally:
            with contextlib.suppress(RPCError):
                await client.get_workflow_handle(close_workflow_id(period)).terminate("test")
