"""What a tag remediation reads from Postgres: the resources an owner must fix in a period (the
tag policy in force judging the period's lines, virtual tags included), whom it escalates to,
and which remediations a period's load must tell to look again."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.catalog import Role
from domain.costs.remediation import (
    RemediationFindings,
    RemediationStart,
    ResourceToFix,
    minor_units,
)
from domain.temporal_names import Activity
from models.costs.governance_tasks import open_task_ids
from models.costs.noncompliant import NoncompliantResource, noncompliant_resources
from models.costs.tag_judged import NoTagPolicy
from models.db import unit_of_work
from models.purchase_orders.reference import manager_chain, role_members

REMEDIATION_TASK = "tag_remediation"


class RemediationActivities:
    """Reads only: a retry or a replay asks again and gets what is true then."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @activity.defn(name=Activity.REMEDIATION_FINDINGS)
    def remediation_findings(self, start: RemediationStart) -> RemediationFindings:
        """The owner's resources that break the tag policy in force, costliest first (none
        when no tag policy is in force), their manager and the FinOps role's holders."""
        with unit_of_work(self._sessions) as session:
            try:
                found = noncompliant_resources(session, start.period)
            except NoTagPolicy:
                found = []
            managers = manager_chain(session, start.owner, depth=1)
            finops = role_members(session, [Role.FINOPS]).get(Role.FINOPS.value, ())
            return RemediationFindings(
                tuple(_to_fix(r) for r in found if start.owner in r.owners),
                managers[0] if managers else None,
                finops,
            )

    @activity.defn(name=Activity.OPEN_REMEDIATIONS)
    def open_remediations(self, period: str) -> list[str]:
        """The workflow ids of the period's remediations still open."""
        with unit_of_work(self._sessions) as session:
            return open_task_ids(session, REMEDIATION_TASK, period)


def _to_fix(resource: NoncompliantResource) -> ResourceToFix:
    return ResourceToFix(
        resource_id=resource.resource_id,
        provider=resource.provider,
        billing_account=resource.billing_account,
        service=resource.service,
        cost_center=resource.cost_center,
        problems=tuple(f"{f.key}: {f.problem} ({f.detail})" for f in resource.findings),
        cost_minor=minor_units(resource.cost, resource.currency),
        currency=resource.currency,
    )
