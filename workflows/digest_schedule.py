"""The Temporal Schedule that starts the notification digest every day."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client, Schedule, ScheduleActionStartWorkflow

from workflows.digest import NotificationDigestWorkflow
from workflows.schedules import at_hour, ensure_schedule

SCHEDULE_ID = "notification-digest"


def digest_schedule(task_queue: str, hour_utc: int = 7) -> Schedule:
    """``NotificationDigest`` every day at ``hour_utc``:00 UTC, never two runs at once."""
    # A run missed while Temporal was down still happens if it is back within 12 hours;
    # after that, the next day's digest carries the held messages.
    action = ScheduleActionStartWorkflow(
        NotificationDigestWorkflow.run, id=SCHEDULE_ID, task_queue=task_queue
    )
    return at_hour(action, hour_utc, timedelta(hours=12))


async def ensure_digest_schedule(client: Client, task_queue: str, hour_utc: int = 7) -> None:
    """Create the digest schedule unless it exists (see ``workflows.schedules``)."""
    what = f"NotificationDigest daily at {hour_utc:02d}:00 UTC"
    await ensure_schedule(client, SCHEDULE_ID, digest_schedule(task_queue, hour_utc), what)
