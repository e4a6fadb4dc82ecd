"""Tag governance over JSON: a period's tag compliance per provider, billing account or team,
and the tag policy in force exported for AWS and Azure (finance, procurement, auditors, admins
and the FinOps role read them); the month-end close that freezes a period's compliance."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api.deps import SessionDep, require_role
from api.errors import RefusalRoute
from api.schemas.tag_compliance import ComplianceOut, ResourceToFixOut, SnapshotIn, SnapshotOut
from api.tag_compliance_views import (
    COMPLIANCE_READERS,
    read_compliance,
    read_resources_to_fix,
    tag_refusals,
)
from domain.catalog import Role
from models.costs.tag_compliance import Dimension
from models.costs.tag_enforcement import EnforcementTarget, enforcement_export
from models.costs.tag_snapshots import freeze_tag_snapshot
from models.people.records import User

router = APIRouter(prefix="/api/costs", tags=["costs"], route_class=RefusalRoute)
ComplianceReader = Annotated[User, Depends(require_role(*COMPLIANCE_READERS))]
PeriodCloser = Annotated[User, Depends(require_role(Role.FINANCE, Role.ADMIN, Role.FINOPS))]
Period = Annotated[str, Query(description="The billing period, YYYY-MM", max_length=7)]
NO_POLICY: dict[int | str, dict[str, Any]] = {
    409: {"description": "no tag policy is in force (`no_tag_policy`)"}
}


@router.get("/tag-compliance", responses=NO_POLICY)
def tag_compliance(
    _: ComplianceReader, session: SessionDep, period: Period, by: Dimension = Dimension.PROVIDER
) -> ComplianceOut:
    """Per group and base currency: cost, compliant, untagged and misclassified cost (they add
    up to the cost), compliant shares of cost and of resources, by the tag policy in force."""
    return ComplianceOut.of(read_compliance(session, period, (by,)), by)


@router.get("/tag-compliance/resources", responses=NO_POLICY)
def resources_to_fix(
    _: ComplianceReader, session: SessionDep, period: Period
) -> list[ResourceToFixOut]:
    """The resources whose tags break the policy in force in the period, costliest first: what
    is wrong per key (and who owns that key's values), their cost, and their owner: the owner
    of the cost center their lines are mapped to, else their cost source's owners."""
    return [ResourceToFixOut.of(found) for found in read_resources_to_fix(session, period)]


@router.get("/tag-policy/export/{target}", responses=NO_POLICY)
def tag_policy_export(
    target: EnforcementTarget, _: ComplianceReader, session: SessionDep
) -> dict[str, Any]:
    """The tag policy in force as an AWS Organizations tag policy (``aws``) or an Azure Policy
    definition (``azure``), ready for the provider's API or an infrastructure-as-code pipeline;
    409 ``no_tag_policy`` when none is in force."""
    with tag_refusals():
        return enforcement_export(session, target)


@router.post("/tag-compliance/{period}/snapshot", responses=NO_POLICY)
def close_period(
    period: str, body: SnapshotIn, user: PeriodCloser, session: SessionDep
) -> SnapshotOut:
    """Freeze the period's tag completeness and accuracy (month-end close). A period already
    frozen keeps its snapshot (``created`` false) unless ``force``, which freezes a new version
    beside it; both are in the audit trail. Finance, admins and the FinOps role close periods."""
    with tag_refusals():
        row, created = freeze_tag_snapshot(
            session, period, actor=user, at=datetime.now(UTC), force=body.force, reason=body.reason
        )
    return SnapshotOut.of(row, created)
