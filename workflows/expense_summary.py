"""One person's mailed expense summary (started by their schedule, ``expense_summary_schedule``):
built for what they may read at send time and mailed; a mail that fails on every try is
recorded undelivered and never fails the run (the next summary goes out as usual)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from domain.expense_summary import (
        ExpenseSummaryRequest,
        ExpenseSummaryResult,
        summary_month,
    )
    from domain.temporal_names import Activity, WorkflowType

# Building the summary reads Postgres and draws its charts; sending speaks to the mail relay.
_SEND_TIMEOUT = timedelta(minutes=5)
# A relay that is down gets a few tries over about half an hour, then the summary is recorded
# undelivered: a summary is a side effect and never holds the run.
_SEND_RETRY = RetryPolicy(
    initial_interval=timedelta(minutes=1),
    backoff_coefficient=3,
    maximum_interval=timedelta(minutes=15),
    maximum_attempts=4,
)
# Recording is Postgres work, idempotent (keyed): retried until it succeeds.
_RECORD_TIMEOUT = timedelta(seconds=30)
_RECORD_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=2))


@workflow.defn(name=WorkflowType.EXPENSE_SUMMARY)
class ExpenseSummaryWorkflow:
    """Returns what became of the summary: sent, undelivered or skipped."""

    @workflow.run
    async def run(self, request: ExpenseSummaryRequest) -> ExpenseSummaryResult:
        month = request.month or summary_month(request.frequency, workflow.now())
        key = request.key or f"expense-summary:{workflow.info().workflow_id}"
        request = replace(request, month=month, key=key)
        try:
            sent: ExpenseSummaryResult = await workflow.execute_activity(
                Activity.SEND_EXPENSE_SUMMARY,
                request,
                result_type=ExpenseSummaryResult,
                start_to_close_timeout=_SEND_TIMEOUT,
                retry_policy=_SEND_RETRY,
            )
            return sent
        except ActivityError as failed:
            reason = str(failed.cause or failed)
        undelivered = ExpenseSummaryResult(request.username, month, "undelivered", reason, key)
        recorded: ExpenseSummaryResult = await workflow.execute_activity(
            Activity.RECORD_EXPENSE_SUMMARY_UNDELIVERED,
            undelivered,
            result_type=ExpenseSummaryResult,
            start_to_close_timeout=_RECORD_TIMEOUT,
            retry_policy=_RECORD_RETRY,
        )
        return recorded
