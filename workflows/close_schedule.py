"""The Temporal Schedule that starts the month-end close on the 1st of every month."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client, Schedule, ScheduleActionStartWorkflow

from domain.close.messages import CloseStart
from workflows.close import MonthEndCloseWorkflow
from workflows.schedules import at_hour, ensure_schedule

SCHEDULE_ID = "month-end-close"


def close_schedule(task_queue: str, hour_utc: int = 3, grace_days: int = 5) -> Schedule:
    """``MonthEndClose`` on the 1st of each month at ``hour_utc``:00 UTC: it starts the close
    of the month just ended (``close-<YYYY-MM>``), which drafts its accruals ``grace_days``
    later, when the providers' data for the month has settled."""
    # A start missed while Temporal was down still happens within the week; the close it
    # starts is keyed by its month, so a late or repeated start closes nothing twice.
    action = ScheduleActionStartWorkflow(
        MonthEndCloseWorkflow.run,
        CloseStart("", grace_days=grace_days),
        id=SCHEDULE_ID,
        task_queue=task_queue,
    )
    return at_hour(action, hour_utc, timedelta(days=7), day_of_month=1)


async def ensure_close_schedule(client: Client, task_queue: str) -> None:
    """Create the schedule unless it exists (see ``workflows.schedules``)."""
    what = "MonthEndClose monthly on the 1st at 03:00 UTC"
    await ensure_schedule(client, SCHEDULE_ID, close_schedule(task_queue), what)
