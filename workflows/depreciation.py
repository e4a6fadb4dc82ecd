"""The monthly depreciation run (started by the schedule in ``depreciation_schedule``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from domain.depreciation_messages import DepreciationRequest, DepreciationResult, month_before
    from domain.temporal_names import Activity, WorkflowType

# Postgres work, idempotent (keyed by asset and month): retried until it succeeds.
_BOOKING_TIMEOUT = timedelta(minutes=10)
_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=2))


@workflow.defn(name=WorkflowType.DEPRECIATION_RUN)
class DepreciationRunWorkflow:
    """Registers the capital purchases that have no asset yet and books every asset's months up
    to the one asked (by default the month before the run started: the month just closed).
    Returns what was registered and booked; running it again books nothing twice."""

    @workflow.run
    async def run(self, request: DepreciationRequest) -> DepreciationResult:
        if not request.through:
            now = workflow.now()
            request = replace(request, through=month_before(now.year, now.month))
        result: DepreciationResult = await workflow.execute_activity(
            Activity.BOOK_DEPRECIATION,
            request,
            result_type=DepreciationResult,
            start_to_close_timeout=_BOOKING_TIMEOUT,
            retry_policy=_RETRY,
        )
        return result
