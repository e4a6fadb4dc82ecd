"""Temporal Schedules the worker creates at start, each left alone once it exists, so an
operator's change to one (paused, another time) survives a worker restart."""

from __future__ import annotations

import logging

from temporalio.client import Client, Schedule, ScheduleAlreadyRunningError

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
