"""The resources whose tags break the tag policy in a period, each with who must fix it and what
is wrong per key: what remediation hands to an owner.

The owner of a resource's lines is the owner of the cost center they are mapped to (by the
source's account mappings or its default cost center); lines mapped to no cost center belong to
the owners of their cost source. Lines without a resource id (tax, support, a purchase) count in
compliance but are no resource anyone can tag, so they are not listed here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.costs.tag_findings import KeyFinding, Standing
from models.budgets.org import CostCenter
from models.costs.records import CostSourceOwner
from models.costs.tag_judged import (
    JudgedGroup,
    judged_groups,
    known_codes,
    period_start,
    policy_in_force,
)
from models.people.records import User

COST_CENTER_OWNER = "cost_center"
SOURCE_OWNER = "source"


@dataclass(frozen=True)
class NoncompliantResource:
    resource_id: str
    provider: str
    billing_account: str
    sub_account: str | None
    service: str
    cost_center: str | None  # the code of the cost center its lines are mapped to
    owner_kind: str  # COST_CENTER_OWNER or SOURCE_OWNER
    owners: tuple[str, ...]  # usernames, sorted
    findings: tuple[KeyFinding, ...]  # per key, what is wrong (each once)
    cost: Decimal  # EffectiveCost of its noncompliant lines, base currency
    currency: str


_Group = tuple[int, str, str, str | None, str, str, int | None, str]


def noncompliant_resources(
    session: Session, period: str, *, at: datetime | None = None
) -> list[NoncompliantResource]:
    """Per resource (and cost center it is mapped to) that has a noncompliant line in the
    ``YYYY-MM`` period, judged by the tag policy in force at ``at`` (now by default): its
    owners, findings and cost, the costliest first. Raises ``NoTagPolicy`` or ``BadPeriod``."""
    policy = policy_in_force(session, at or datetime.now(UTC))
    groups = judged_groups(session, policy, known_codes(session, policy), period_start(period))
    wrong: dict[_Group, list[JudgedGroup]] = defaultdict(list)
    for group in groups:
        if group.standing != Standing.COMPLIANT and group.resource_id:
            wrong[_resource(group)].append(group)
    centers = _center_owners(session)
    sources = _source_owners(session)
    found = [_listed(parts, centers, sources) for parts in wrong.values()]
    return sorted(found, key=lambda r: (-r.cost, r.resource_id))


def _resource(g: JudgedGroup) -> _Group:
    return (
        *(g.source_id, g.provider, g.billing_account, g.sub_account, g.service),
        *(g.resource_id or "", g.cost_center_id, g.currency),
    )


def _listed(
    parts: list[JudgedGroup],
    centers: dict[int, tuple[str, str]],
    sources: dict[int, tuple[str, ...]],
) -> NoncompliantResource:
    first = parts[0]
    center = centers.get(first.cost_center_id) if first.cost_center_id is not None else None
    return NoncompliantResource(
        resource_id=first.resource_id or "",
        provider=first.provider,
        billing_account=first.billing_account,
        sub_account=first.sub_account,
        service=first.service,
        cost_center=center[0] if center else None,
        owner_kind=COST_CENTER_OWNER if center else SOURCE_OWNER,
        owners=(center[1],) if center else sources.get(first.source_id, ()),
        findings=_distinct(f for part in parts for f in part.findings),
        cost=sum((part.cost for part in parts), Decimal(0)),
        currency=first.currency,
    )


def _distinct(found: Iterable[KeyFinding]) -> tuple[KeyFinding, ...]:
    return tuple(dict.fromkeys(found))


def _center_owners(session: Session) -> dict[int, tuple[str, str]]:
    """Cost center id -> (code, owner's username)."""
    rows = session.execute(
        select(CostCenter.id, CostCenter.code, User.username).join(
            User, User.id == CostCenter.owner_id
        )
    )
    return {row.id: (row.code, row.username) for row in rows}


def _source_owners(session: Session) -> dict[int, tuple[str, ...]]:
    owners: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(CostSourceOwner.source_id, User.username)
        .join(User, User.id == CostSourceOwner.user_id)
        .order_by(User.username)
    )
    for row in rows:
        owners[row.source_id].append(row.username)
    return {source: tuple(names) for source, names in owners.items()}
