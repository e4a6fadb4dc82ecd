"""How spend-anomaly workflows call their activities: Postgres steps as local activities,
retried until they succeed (detection stores each finding once; projections are rewrites)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.costs.spend_anomalies import (
        AnomalyOutcome,
        AnomalyParties,
        AnomalyStart,
        Detection,
        DetectionRequest,
    )
    from domain.temporal_names import Activity
    from workflows.activity_calls import DATABASE, DETECTION, call


async def detect(request: DetectionRequest) -> Detection:
    found: Detection = await call(Activity.DETECT_SPEND_ANOMALIES, [request], DETECTION, Detection)
    return found


async def parties(start: AnomalyStart) -> AnomalyParties:
    found: AnomalyParties = await call(Activity.ANOMALY_PARTIES, [start], DATABASE, AnomalyParties)
    return found


async def project(outcome: AnomalyOutcome) -> None:
    await call(Activity.PROJECT_SPEND_ANOMALY, [outcome], DATABASE)
