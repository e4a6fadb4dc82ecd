"""The Temporal Schedule ``spend-anomalies``: spend-anomaly detection every day."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client, Schedule, ScheduleActionStartWorkflow

from domain.costs.spend_anomalies import DetectionRequest
from workflows.costs.anomaly_detection import SpendAnomalyDetectionWorkflow
from workflows.schedules import at_hour, ensure_schedule

SCHEDULE_ID = "spend-anomalies"


def detection_schedule(task_queue: str, hour_utc: int = 12) -> Schedule:
    """Detection every day at ``hour_utc``:00 UTC, when the day that ended 36 hours earlier is
    complete; never two at once."""
    # A run missed while Temporal was down still runs within the day.
    action = ScheduleActionStartWorkflow(
        SpendAnomalyDetectionWorkflow.run, DetectionRequest(), id=SCHEDULE_ID, task_queue=task_queue
    )
    return at_hour(action, hour_utc, timedelta(days=1))


async def ensure_anomaly_schedule(client: Client, task_queue: str) -> None:
    """Create the schedule unless it exists (see ``workflows.schedules``)."""
    what = "SpendAnomalyDetection daily at 12:00 UTC"
    await ensure_schedule(client, SCHEDULE_ID, detection_schedule(task_queue), what)
