"""Temporal Schedules the worker creates at start, each left alone once it exists, so an
operator's change to one (paused, another time) survives a worker restart."""

from __future__ import annotations

import logging
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
)

log = logging.getLogger("poflow.schedules")


async def ensure_schedule(client: Client, schedule_id: str, schedule: Schedule, what: str) -> bool:
    """Create the schedule unless one with its id exists; whether it was created."""
    try:
        await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        log.info("schedule %r exists; left as it is", schedule_id)
        return False
    log.info("created schedule %r: %s", schedule_id, what)
    return True


def at_hour(
    action: ScheduleActionStartWorkflow,
    hour_utc: int,
    catchup: timedelta,
    day_of_month: int | None = None,
) -> Schedule:
    """``action`` every day, or on ``day_of_month`` of each month, at ``hour_utc``:00 UTC; never
    two at once, and a start missed while Temporal was down still happens within ``catchup``."""
    days = [ScheduleRange(day_of_month) if day_of_month else ScheduleRange(1, 31)]
    calendar = ScheduleCalendarSpec(hour=[ScheduleRange(hour_utc)], day_of_month=days)
    return Schedule(
        action=action,
        spec=ScheduleSpec(calendars=[calendar], time_zone_name="UTC"),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=catchup),
    )
