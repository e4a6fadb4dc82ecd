"""Spend-anomaly detection (docs/anomalies.md): each day, the Temporal Schedule
``spend-anomalies`` judges the last closed day (36 hours after the UTC day ended) and starts a
``SpendAnomaly`` run for each finding nobody answered yet; a backfill judges the days it names
(the schedule is in ``workflows.costs.anomaly_schedule``). A finding's run id is its series and
day, so a run already started is not started again."""

from __future__ import annotations

from dataclasses import replace

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.costs.spend_anomalies import AnomalyStart, Detection, DetectionRequest
    from domain.temporal_names import WorkflowType
    from workflows.costs import anomaly_calls
    from workflows.costs.spend_anomaly import SpendAnomalyWorkflow


@workflow.defn(name=WorkflowType.SPEND_ANOMALY_DETECTION)
class SpendAnomalyDetectionWorkflow:
    @workflow.run
    async def run(self, request: DetectionRequest) -> Detection:
        """What was judged and found, with the workflow ids of the ``SpendAnomaly`` runs it
        started."""
        detection = await anomaly_calls.detect(request)
        started = []
        for found in detection.waiting:
            try:
                await workflow.start_child_workflow(
                    SpendAnomalyWorkflow.run,
                    AnomalyStart.under(found.finding_id, detection.escalation),
                    id=found.workflow_id,
                    parent_close_policy=ParentClosePolicy.ABANDON,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                )
            except WorkflowAlreadyStartedError:
                continue  # followed already (or answered): a finding has one run
            started.append(found.workflow_id)
        short = len(detection.too_little_history)
        workflow.set_current_details(
            f"{detection.first} to {detection.last}: {detection.series} series, {short} with "
            f"too little history; {len(started)} runs started"
        )
        return replace(detection, started=tuple(started))
