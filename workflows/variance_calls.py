"""How variance workflows call their activities: Postgres steps as local activities, retried
until they succeed (each is a read, or a write keyed by the workflow id)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.temporal_names import Activity
    from domain.variance_investigation import (
        VarianceDetectRequest,
        VarianceParties,
        VarianceRecord,
        VarianceStart,
    )
    from workflows.activity_calls import DATABASE, call


async def breaches(request: VarianceDetectRequest) -> list[VarianceStart]:
    found: list[VarianceStart] = await call(
        Activity.VARIANCE_BREACHES, [request], DATABASE, list[VarianceStart]
    )
    return found


async def parties(start: VarianceStart) -> VarianceParties:
    found: VarianceParties = await call(
        Activity.VARIANCE_PARTIES, [start], DATABASE, VarianceParties
    )
    return found


async def project(record: VarianceRecord) -> None:
    await call(Activity.PROJECT_VARIANCE, [record], DATABASE)
