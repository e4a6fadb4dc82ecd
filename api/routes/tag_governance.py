"""Tag governance over JSON: a period's tag compliance per provider, billing account or team,
and the tag policy in force exported for AWS and Azure. Finance, procurement, auditors, admins
and the FinOps role read them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from api.deps import SessionDep, require_role
from api.errors import RefusalRoute, Refused
from api.schemas.tag_compliance import ComplianceOut
from api.tag_compliance_views import COMPLIANCE_READERS, read_compliance
from models.costs.tag_compliance import Dimension
from models.costs.tag_enforcement import EnforcementTarget, enforcement_export
from models.costs.tag_judged import NoTagPolicy
from models.people.records import User

router = APIRouter(prefix="/api/costs", tags=["costs"], route_class=RefusalRoute)
ComplianceReader = Annotated[User, Depends(require_role(*COMPLIANCE_READERS))]
Period = Annotated[str, Query(description="The billing period, YYYY-MM", max_length=7)]


@router.get("/tag-compliance")
def tag_compliance(
    _: ComplianceReader, session: SessionDep, period: Period, by: Dimension = Dimension.PROVIDER
) -> ComplianceOut:
    """Per group and base currency: cost, compliant, untagged and misclassified cost (they add
    up to the cost), compliant shares of cost and of resources, by the tag policy in force."""
    return ComplianceOut.of(read_compliance(session, period, (by,)), by)


@router.get("/tag-policy/export/{target}")
def tag_policy_export(
    target: EnforcementTarget, _: ComplianceReader, session: SessionDep
) -> dict[str, Any]:
    """The tag policy in force as an AWS Organizations tag policy (``aws``) or an Azure Policy
    definition (``azure``), ready for the provider's API or an infrastructure-as-code pipeline;
    409 ``no_tag_policy`` when none is in force."""
    try:
        return enforcement_export(session, target)
    except NoTagPolicy as none:
        raise Refused(status.HTTP_409_CONFLICT, str(none), rule=none.rule) from none
