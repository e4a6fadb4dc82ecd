"""Polling the ERP for status events, for ERPs that do not call poflow's webhook: a scheduled
run reads the feed after the saved cursor, signals each PO's workflow, then saves the cursor."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    from domain.temporal_names import PoSignal, WorkflowType
    from workflows import activity_calls as calls
    from workflows.schedules import ensure_schedule

SCHEDULE_ID = "erp-status-poll"


@workflow.defn(name=WorkflowType.ERP_STATUS_POLL)
class ErpStatusPollWorkflow:
    """Returns the number of events passed on."""

    @workflow.run
    async def run(self) -> int:
        page = await calls.read_erp_events()
        for item in page.events:
            handle = workflow.get_external_workflow_handle(item.workflow_id)
            try:
                await handle.signal(PoSignal.ERP_STATUS, item.event)
            except FailureError:
                workflow.logger.info("%s takes no more events", item.workflow_id)
        await calls.save_erp_cursor(page.cursor)
        return len(page.events)


def erp_poll_schedule(task_queue: str, minutes: int) -> Schedule:
    """``ErpStatusPoll`` every ``minutes``, never two at once."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            ErpStatusPollWorkflow.run, id=SCHEDULE_ID, task_queue=task_queue
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(minutes=minutes))]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_erp_poll_schedule(client: Client, task_queue: str, minutes: int) -> None:
    what = f"ErpStatusPoll every {minutes} minutes"
    await ensure_schedule(client, SCHEDULE_ID, erp_poll_schedule(task_queue, minutes), what)
