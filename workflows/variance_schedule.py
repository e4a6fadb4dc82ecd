"""The Temporal Schedule that starts the variance detection for the month just closed."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client, Schedule, ScheduleActionStartWorkflow

from domain.variance_investigation import VarianceDetectRequest
from workflows.schedules import at_hour, ensure_schedule
from workflows.variance_detection import VarianceDetectionWorkflow

SCHEDULE_ID = "variance-detection-monthly"


def detection_schedule(task_queue: str, day: int = 2, hour_utc: int = 6) -> Schedule:
    """``VarianceDetection`` on the ``day`` of each month at ``hour_utc``:00 UTC, for the month
    just closed (a day later than the month's end, so its last actuals are booked)."""
    action = ScheduleActionStartWorkflow(
        VarianceDetectionWorkflow.run,
        VarianceDetectRequest(),
        id=SCHEDULE_ID,
        task_queue=task_queue,
    )
    return at_hour(action, hour_utc, timedelta(days=7), day_of_month=day)


async def ensure_detection_schedule(client: Client, task_queue: str) -> None:
    """Create the schedule unless it exists (see ``workflows.schedules``)."""
    what = "VarianceDetection monthly on the 2nd at 06:00 UTC"
    await ensure_schedule(client, SCHEDULE_ID, detection_schedule(task_queue), what)
