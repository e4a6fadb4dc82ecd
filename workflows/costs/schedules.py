"""The Temporal Schedules of cost data, visible and pausable in the Temporal UI: per source,
``cost-refresh-<source>`` every refresh cycle (``CostRefresh``), and ``cost-freshness`` every
hour (``CostFreshness``). Created at worker start and whenever a source is created or changed;
an operator's pause survives both."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Protocol

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from workflows.costs.refresh import CostFreshnessWorkflow, CostRefreshWorkflow
from workflows.schedules import ensure_schedule

FRESHNESS_SCHEDULE_ID = "cost-freshness"


class RefreshedSource(Protocol):
    """A cost source as its schedule needs it (a ``cost_sources`` row will do)."""

    @property
    def name(self) -> str: ...
    @property
    def refresh_cycle_hours(self) -> int: ...


def refresh_schedule_id(source: str) -> str:
    return f"cost-refresh-{source}"


def refresh_schedule(source: str, cycle_hours: int, task_queue: str) -> Schedule:
    """``CostRefresh`` of ``source`` every ``cycle_hours``; a run still going skips the next."""
    every = timedelta(hours=cycle_hours)
    return Schedule(
        action=ScheduleActionStartWorkflow(
            CostRefreshWorkflow.run, source, id=refresh_schedule_id(source), task_queue=task_queue
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=every),
    )


def freshness_schedule(task_queue: str) -> Schedule:
    every = timedelta(hours=1)
    return Schedule(
        action=ScheduleActionStartWorkflow(
            CostFreshnessWorkflow.run, id=FRESHNESS_SCHEDULE_ID, task_queue=task_queue
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=every),
    )


async def ensure_cost_schedules(
    client: Client, task_queue: str, sources: Iterable[RefreshedSource]
) -> None:
    """The freshness schedule, and each source's refresh at its current cycle: created when
    missing, its interval changed when the source's cycle changed, left paused if paused."""
    await ensure_schedule(
        client, FRESHNESS_SCHEDULE_ID, freshness_schedule(task_queue), "CostFreshness hourly"
    )
    for source in sources:
        schedule_id = refresh_schedule_id(source.name)
        wanted = refresh_schedule(source.name, source.refresh_cycle_hours, task_queue)
        what = f"CostRefresh of {source.name} every {source.refresh_cycle_hours} h"
        if not await ensure_schedule(client, schedule_id, wanted, what):
            await client.get_schedule_handle(schedule_id).update(_CycleUpdate(wanted.spec))


class _CycleUpdate:
    """Changes a schedule's interval to ``spec``'s, keeping everything else (its pause too)."""

    def __init__(self, spec: ScheduleSpec) -> None:
        self._spec = spec

    def __call__(self, current: ScheduleUpdateInput) -> ScheduleUpdate | None:
        schedule = current.description.schedule
        if [i.every for i in schedule.spec.intervals] == [i.every for i in self._spec.intervals]:
            return None
        schedule.spec = self._spec
        return ScheduleUpdate(schedule=schedule)
