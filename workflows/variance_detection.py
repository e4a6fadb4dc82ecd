"""A period's variance detection: the lines breaching the policy's thresholds each get their
``VarianceInvestigation``; started by a monthly schedule (for the month just closed),
``poflow variances detect`` and ``POST /api/variances/detect``; the schedule is in
``variance_schedule``."""

from __future__ import annotations

from dataclasses import replace

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.depreciation_messages import month_before
    from domain.temporal_names import WorkflowType
    from domain.variance_investigation import (
        VarianceDetected,
        VarianceDetectRequest,
        VarianceStart,
        variance_workflow_id,
    )
    from workflows import variance_calls


def detection_workflow_id(period: str) -> str:
    return f"variance-detection-{period}"


@workflow.defn(name=WorkflowType.VARIANCE_DETECTION)
class VarianceDetectionWorkflow:
    """Starts an investigation per breaching line of the period; a line whose investigation
    was ever started (open or closed) gets no second one."""

    @workflow.run
    async def run(self, request: VarianceDetectRequest) -> VarianceDetected:
        if not request.period:
            now = workflow.now()
            request = replace(request, period=month_before(now.year, now.month))
        found = await variance_calls.breaches(request)
        started = [start for start in found if await _investigate(start)]
        return VarianceDetected(
            request.period, [_id_of(start) for start in found], [_id_of(s) for s in started]
        )


def _id_of(start: VarianceStart) -> str:
    return variance_workflow_id(start.period, start.cost_center, start.gl_account)


async def _investigate(start: VarianceStart) -> bool:
    """Start the line's investigation, to outlive this run; False when one was started before."""
    try:
        await workflow.start_child_workflow(
            WorkflowType.VARIANCE_INVESTIGATION,
            start,
            id=_id_of(start),
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            parent_close_policy=ParentClosePolicy.ABANDON,
            static_summary=f"variance of {start.cost_center}/{start.gl_account} in {start.period}",
        )
    except WorkflowAlreadyStartedError:
        return False
    return True
