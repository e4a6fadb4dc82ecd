"""The scheduled runs of cost data: a source's refresh (the open month and the last closed one,
each a ``CostLoad`` child) and the freshness check (``workflows.costs.schedules`` starts both)."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ChildWorkflowError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from domain.costs.load_messages import CostLoadRequest, CostLoadResult, cost_load_workflow_id
    from domain.temporal_names import WorkflowType
    from workflows.costs import load_calls as calls
    from workflows.costs.load import CostLoadWorkflow


def refresh_periods(now: datetime) -> tuple[str, str]:
    """The last closed billing period and the open one at ``now``: providers keep revising a
    month's charges for days after it closes."""
    year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    return f"{year:04d}-{month:02d}", f"{now.year:04d}-{now.month:02d}"


@workflow.defn(name=WorkflowType.COST_REFRESH)
class CostRefreshWorkflow:
    """Loads the source's last closed and open billing periods, one after the other; a period
    whose load is already running (an upload's) is left to it. Returns the loads' results."""

    @workflow.run
    async def run(self, source: str) -> list[CostLoadResult]:
        results: list[CostLoadResult] = []
        for period in refresh_periods(workflow.now()):
            workflow_id = cost_load_workflow_id(source, period)
            try:
                result = await workflow.execute_child_workflow(
                    CostLoadWorkflow.run,
                    CostLoadRequest(source, period, requested_by="schedule"),
                    id=workflow_id,
                    id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                )
            except WorkflowAlreadyStartedError:
                workflow.logger.info("%s is already running; left to it", workflow_id)
                continue
            except ChildWorkflowError:
                workflow.logger.warning("%s did not complete", workflow_id)
                continue
            results.append(result)
        return results


@workflow.defn(name=WorkflowType.COST_FRESHNESS)
class CostFreshnessWorkflow:
    """Tells the owners of each source whose data is late (once a day while it stays late);
    returns the report line of each late source."""

    @workflow.run
    async def run(self) -> list[str]:
        return await calls.check_freshness(workflow.now())
