"""The Temporal Schedule that starts the depreciation run on the 1st of every month."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client, Schedule, ScheduleActionStartWorkflow

from domain.depreciation_messages import DepreciationRequest
from workflows.depreciation import DepreciationRunWorkflow
from workflows.schedules import at_hour, ensure_schedule

SCHEDULE_ID = "depreciation-monthly"


def depreciation_schedule(task_queue: str, hour_utc: int = 2) -> Schedule:
    """``DepreciationRun`` on the 1st of each month at ``hour_utc``:00 UTC, booking the month
    just closed; never two runs at once."""
    # A run missed while Temporal was down still books within the week; later, the next
    # month's run books both months (it books every month up to its own).
    action = ScheduleActionStartWorkflow(
        DepreciationRunWorkflow.run, DepreciationRequest(), id=SCHEDULE_ID, task_queue=task_queue
    )
    return at_hour(action, hour_utc, timedelta(days=7), day_of_month=1)


async def ensure_depreciation_schedule(client: Client, task_queue: str) -> None:
    """Create the schedule unless it exists (see ``workflows.schedules``)."""
    what = "DepreciationRun monthly on the 1st at 02:00 UTC"
    await ensure_schedule(client, SCHEDULE_ID, depreciation_schedule(task_queue), what)
