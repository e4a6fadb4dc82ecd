"""The Temporal Schedules of cost data: a refresh per source at its cycle (kept paused when an
operator paused it, its interval following the source's cycle) that loads the last closed and
the open month, and the hourly freshness check that tells the owners of a late source."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import (
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleHandle,
    WorkflowExecutionStatus,
)
from temporalio.service import RPCError

from domain.costs.load_messages import CostLoadResult, cost_load_workflow_id
from domain.temporal_names import WorkflowType
from tests.workflows.costs.conftest import CostLoads
from tests.workflows.costs.sources import a_source, created_at, messages_to
from tests.workflows.helpers import keep_history
from workflows.costs.refresh import CostFreshnessWorkflow, refresh_periods
from workflows.costs.schedules import (
    FRESHNESS_SCHEDULE_ID,
    ensure_cost_schedules,
    refresh_schedule_id,
)


@dataclass(frozen=True)
class Source:
    name: str
    refresh_cycle_hours: int


def test_a_refresh_loads_the_last_closed_and_the_open_month() -> None:
    assert refresh_periods(datetime(2024, 9, 18, 22, tzinfo=UTC)) == ("2024-08", "2024-09")
    assert refresh_periods(datetime(2025, 1, 1, tzinfo=UTC)) == ("2024-12", "2025-01")


async def _interval_hours(handle: ScheduleHandle) -> list[float]:
    described = await handle.describe()
    return [i.every / timedelta(hours=1) for i in described.schedule.spec.intervals]


async def test_each_source_has_a_refresh_schedule_at_its_cycle_that_starts_its_months(
    cost_loads: CostLoads, demo_sessions: sessionmaker[Session], tmp_path: object
) -> None:
    client, queue = cost_loads.env.client, cost_loads.queue
    folder = cost_loads.settings.data_dir / "watched"
    folder.mkdir()
    source, _ = a_source(demo_sessions, {"kind": "folder", "path": str(folder)})
    handle = client.get_schedule_handle(refresh_schedule_id(source))

    await ensure_cost_schedules(client, queue, [Source(source, 24)])
    described = await handle.describe()
    action = described.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert (action.workflow, action.task_queue) == (WorkflowType.COST_REFRESH, queue)
    assert await _interval_hours(handle) == [24]
    await client.get_schedule_handle(FRESHNESS_SCHEDULE_ID).delete()  # it existed

    await handle.pause(note="operator: provider outage")
    await ensure_cost_schedules(client, queue, [Source(source, 6)])
    assert await _interval_hours(handle) == [6]
    assert (await handle.describe()).schedule.state.paused

    await handle.trigger()
    try:
        results = [await _finished_load(cost_loads, source, p) for p in refresh_periods(_now())]
        started = (await handle.describe()).info.recent_actions[0].action
        assert isinstance(started, ScheduleActionExecutionStartWorkflow)
        refresh = started.workflow_id
        await client.get_workflow_handle(refresh).result()
        await keep_history(client.get_workflow_handle(refresh), "cost_refresh")
    finally:
        await handle.delete()
    assert [(r.billing_period, r.status) for r in results] == [
        (period, "unchanged") for period in refresh_periods(_now())
    ]


def _now() -> datetime:
    return datetime.now(UTC)


async def _finished_load(cost_loads: CostLoads, source: str, period: str) -> CostLoadResult:
    """The result of the load the refresh started for ``period``, once it ended."""
    handle = cost_loads.env.client.get_workflow_handle(
        cost_load_workflow_id(source, period), result_type=CostLoadResult
    )
    for _ in range(600):
        with contextlib.suppress(RPCError):
            if (await handle.describe()).status is WorkflowExecutionStatus.COMPLETED:
                result: CostLoadResult = await handle.result()
                return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"the refresh never loaded {period}")


async def test_a_late_source_is_reported_and_its_owners_told_once_a_day(
    cost_loads: CostLoads, demo_sessions: sessionmaker[Session]
) -> None:
    late, late_owner = a_source(demo_sessions, {}, latency_threshold_hours=1)
    created_at(demo_sessions, late, datetime.now(UTC) - timedelta(days=2))
    fresh, fresh_owner = a_source(demo_sessions, {}, latency_threshold_hours=72)

    lines = await _check(cost_loads, "cost_freshness")
    again = await _check(cost_loads)

    assert [line for line in lines if line.startswith(f"{late}:")] == [
        f"{late}: newest cost data none, 47 h past its 1 h latency threshold"
    ]
    assert not [line for line in lines if line.startswith(f"{fresh}:")]
    assert [line for line in again if line.startswith(f"{late}:")]
    assert messages_to(demo_sessions, late_owner, "cost_data_late") == [
        f"Cost data of {late} is late"
    ]
    assert messages_to(demo_sessions, fresh_owner, "cost_data_late") == []


async def _check(cost_loads: CostLoads, history: str | None = None) -> list[str]:
    handle = await cost_loads.env.client.start_workflow(
        CostFreshnessWorkflow.run,
        id=f"cost-freshness-test-{cost_loads.queue}-{history}",
        task_queue=cost_loads.queue,
    )
    lines: list[str] = await handle.result()
    if history:
        await keep_history(handle, history)
    return lines
