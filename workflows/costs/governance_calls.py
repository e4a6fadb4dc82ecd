"""How governance workflows call their activities: Postgres steps as local activities, retried
until they succeed (each is keyed, so a second run changes nothing)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.chain import Tier
    from domain.costs.document_review import DocumentReviewStart, DocumentVerdict
    from domain.costs.governance_tasks import GovernanceTask
    from domain.costs.remediation import RemediationFindings, RemediationStart
    from domain.temporal_names import Activity
    from workflows.activity_calls import DATABASE, call


async def route_document_review(start: DocumentReviewStart) -> list[Tier]:
    tiers: list[Tier] = await call(Activity.ROUTE_DOCUMENT_REVIEW, [start], DATABASE, list[Tier])
    return tiers


async def decide_cost_document(verdict: DocumentVerdict) -> str:
    status: str = await call(Activity.DECIDE_COST_DOCUMENT, [verdict], DATABASE, str)
    return status


async def older_open_reviews(newer: DocumentReviewStart) -> list[str]:
    ids: list[str] = await call(Activity.OLDER_OPEN_REVIEWS, [newer], DATABASE, list[str])
    return ids


async def project_task(task: GovernanceTask) -> None:
    await call(Activity.PROJECT_GOVERNANCE_TASK, [task], DATABASE)


async def remediation_findings(start: RemediationStart) -> RemediationFindings:
    findings: RemediationFindings = await call(
        Activity.REMEDIATION_FINDINGS, [start], DATABASE, RemediationFindings
    )
    return findings


async def open_remediations(period: str) -> list[str]:
    ids: list[str] = await call(Activity.OPEN_REMEDIATIONS, [period], DATABASE, list[str])
    return ids
