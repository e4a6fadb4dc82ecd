"""A Temporal Schedule per subscription to the expense summary, ``expense-summary-<user>``.

One schedule per person rather than one fanning out: each person chooses their own frequency
and day, an operator sees, pauses or triggers one person's summary in the Temporal UI, and a
run that fails concerns one person only."""

from __future__ import annotations

import contextlib
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
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError

from domain.expense_summary import ExpenseSummaryRequest, Frequency, schedule_id
from workflows.expense_summary import ExpenseSummaryWorkflow
from workflows.schedules import ensure_schedule

SEND_HOUR_UTC = 6


def summary_schedule(username: str, frequency: Frequency, day: int, task_queue: str) -> Schedule:
    """``ExpenseSummary`` for ``username`` at 06:00 UTC on ``day`` of each month (monthly) or
    weekday ``day`` (weekly, Monday 1); never two at once."""
    hour = [ScheduleRange(SEND_HOUR_UTC)]
    if frequency is Frequency.MONTHLY:
        calendar = ScheduleCalendarSpec(day_of_month=[ScheduleRange(day)], hour=hour)
    else:  # Temporal counts the week from Sunday 0
        calendar = ScheduleCalendarSpec(day_of_week=[ScheduleRange(day % 7)], hour=hour)
    return Schedule(
        action=ScheduleActionStartWorkflow(
            ExpenseSummaryWorkflow.run,
            ExpenseSummaryRequest(username, frequency.value),
            id=schedule_id(username),
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(calendars=[calendar], time_zone_name="UTC"),
        # Missed while Temporal was down: still sent within a day, else the next one carries on.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=timedelta(days=1)),
    )


async def put_summary_schedule(
    client: Client, username: str, frequency: Frequency, day: int, task_queue: str
) -> None:
    """Create the person's schedule, or change an existing one to this frequency and day
    (paused stays paused)."""
    schedule = summary_schedule(username, frequency, day, task_queue)
    try:
        await client.create_schedule(schedule_id(username), schedule)
    except ScheduleAlreadyRunningError:

        def changed(current: ScheduleUpdateInput) -> ScheduleUpdate:
            schedule.state = current.description.schedule.state
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(schedule_id(username)).update(changed)


async def drop_summary_schedule(client: Client, username: str) -> None:
    """Delete the person's schedule (none: nothing to do)."""
    with contextlib.suppress(RPCError):
        await client.get_schedule_handle(schedule_id(username)).delete()


async def ensure_summary_schedules(
    client: Client, task_queue: str, subscribed: list[tuple[str, Frequency, int]]
) -> None:
    """At the worker's start: a schedule for each active subscription that has none (one that
    exists is left as an operator may have changed it)."""
    for username, frequency, day in subscribed:
        what = f"ExpenseSummary for {username}, {frequency.value} on day {day}"
        schedule = summary_schedule(username, frequency, day, task_queue)
        await ensure_schedule(client, schedule_id(username), schedule, what)
