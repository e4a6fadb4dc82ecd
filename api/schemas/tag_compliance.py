"""Tag compliance of a period: per group and base currency, exact decimal amounts as strings;
and a period's month-end snapshot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.body import RequestBody
from domain.costs.tag_findings import Problem
from domain.costs.tag_policy import KeyOwner
from models.costs.noncompliant import NoncompliantResource
from models.costs.tag_compliance import ComplianceReport, ComplianceRow, Dimension
from models.costs.tag_snapshots import TagSnapshot


class ComplianceRowOut(BaseModel):
    group: str
    currency: str
    cost: str
    compliant_cost: str
    untagged_cost: str
    misclassified_cost: str
    compliant_cost_share: str | None
    resources: int
    compliant_resources: int
    compliant_resource_share: str | None

    @classmethod
    def of(cls, row: ComplianceRow) -> ComplianceRowOut:
        def exact(value: object) -> str | None:
            return None if value is None else format(value, "f")

        return cls(
            group=row.group,
            currency=row.currency,
            cost=format(row.cost, "f"),
            compliant_cost=format(row.compliant_cost, "f"),
            untagged_cost=format(row.untagged_cost, "f"),
            misclassified_cost=format(row.misclassified_cost, "f"),
            compliant_cost_share=exact(row.cost_share),
            resources=row.resources,
            compliant_resources=row.compliant_resources,
            compliant_resource_share=exact(row.resource_share),
        )


class ComplianceOut(BaseModel):
    period: str
    by: Dimension
    policy_version: int
    groups: list[ComplianceRowOut]

    @classmethod
    def of(cls, report: ComplianceReport, by: Dimension) -> ComplianceOut:
        groups = [ComplianceRowOut.of(row) for row in report.rows[by]]
        return cls(period=report.period, by=by, policy_version=report.policy_version, groups=groups)


class SnapshotIn(RequestBody):
    force: bool = False
    reason: str = Field(default="", max_length=500)


class SnapshotOut(BaseModel):
    period: str
    version: int
    policy_version: int
    created: bool
    frozen_at: datetime
    figures: dict[str, Any]

    @classmethod
    def of(cls, row: TagSnapshot, created: bool) -> SnapshotOut:
        return cls(
            period=row.period,
            version=row.version,
            policy_version=row.policy_version,
            created=created,
            frozen_at=row.frozen_at,
            figures=row.figures,
        )


class FindingOut(BaseModel):
    key: str
    problem: Problem
    value: str | None
    detail: str
    owner: KeyOwner


class ResourceToFixOut(BaseModel):
    resource_id: str
    provider: str
    billing_account: str
    sub_account: str | None
    service: str
    cost_center: str | None
    owner_kind: str
    owners: list[str]
    findings: list[FindingOut]
    cost: str
    currency: str

    @classmethod
    def of(cls, found: NoncompliantResource) -> ResourceToFixOut:
        return cls(
            resource_id=found.resource_id,
            provider=found.provider,
            billing_account=found.billing_account,
            sub_account=found.sub_account,
            service=found.service,
            cost_center=found.cost_center,
            owner_kind=found.owner_kind,
            owners=list(found.owners),
            findings=[FindingOut.model_validate(f, from_attributes=True) for f in found.findings],
            cost=format(found.cost, "f"),
            currency=found.currency,
        )
