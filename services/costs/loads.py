"""Starting the load of a source's billing period: one CostLoad workflow per source and
period (its id says which), so two loads of the same period never run at once.

Guarantees: a load of the same source and period that is still running refuses the new one
(``CostRefused("load_running")``, 409) and starts nothing; a finished one may be run again."""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.costs.load_messages import (
    CostFileRef,
    CostLoadRequest,
    CostLoadResult,
    cost_load_workflow_id,
)
from domain.temporal_names import WorkflowType
from services.costs.refusals import CostRefused
from workflows.search_attributes import BILLING_PERIOD, COST_SOURCE


def follow_page(workflow_id: str) -> str:
    """Where a person follows the load (its progress, then its report)."""
    return f"/costs/loads?workflow={workflow_id}"


async def start_load(
    temporal: Client,
    task_queue: str,
    source: str,
    billing_period: str,
    files: Sequence[CostFileRef],
    requested_by: str,
) -> WorkflowHandle[object, CostLoadResult]:
    """Starts the load of ``billing_period`` of ``source`` from ``files``."""
    workflow_id = cost_load_workflow_id(source, billing_period)
    try:
        return await temporal.start_workflow(
            WorkflowType.COST_LOAD,
            CostLoadRequest(source, billing_period, tuple(files), requested_by),
            id=workflow_id,
            task_queue=task_queue,
            result_type=CostLoadResult,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(COST_SOURCE, source),
                    SearchAttributePair(BILLING_PERIOD, billing_period),
                ]
            ),
            static_summary=f"{source} {billing_period}: {', '.join(f.name for f in files)}",
        )
    except WorkflowAlreadyStartedError as running:
        raise CostRefused(
            "load_running",
            f"a load of {source} for {billing_period} is running ({workflow_id}); "
            "one load per source and billing period runs at a time",
        ) from running
