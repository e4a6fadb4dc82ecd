"""Tag compliance of a billing period, per provider, billing account or team (the cost center the
lines are mapped to): the cost and the resources tagged compliantly, the untagged spend (a
required key missing) and the misclassified spend (every required key present, a value not
allowed: not in the list, not matching the pattern, no such cost center). Compliant, untagged
and misclassified cost add up to the group's cost, exactly. Cost is ``EffectiveCost`` in the
base currency. A resource (a resource id of a source's billing account) is compliant in a group
when every line of it there is; lines without a resource id count in cost, not in resources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.costs.tag_findings import Standing
from models.budgets.org import CostCenter
from models.costs.tag_judged import (
    JudgedGroup,
    judged_groups,
    known_codes,
    period_start,
    policy_in_force,
)

UNMAPPED = "(no cost center)"
_SHARE = Decimal("0.0001")


class Dimension(StrEnum):
    PROVIDER = "provider"
    ACCOUNT = "account"
    TEAM = "team"


@dataclass(frozen=True)
class ComplianceRow:
    group: str
    currency: str
    cost: Decimal
    compliant_cost: Decimal
    untagged_cost: Decimal
    misclassified_cost: Decimal
    resources: int
    compliant_resources: int

    @property
    def cost_share(self) -> Decimal | None:
        """Compliant cost over cost, to four places; None when the cost is zero."""
        return _share(self.compliant_cost, self.cost)

    @property
    def resource_share(self) -> Decimal | None:
        return _share(Decimal(self.compliant_resources), Decimal(self.resources))

    @property
    def completeness(self) -> Decimal | None:
        """The share of cost carrying every required key (whatever its values)."""
        return _share(self.cost - self.untagged_cost, self.cost)

    @property
    def accuracy(self) -> Decimal | None:
        """Of the cost carrying every required key, the share whose values are allowed."""
        return _share(self.compliant_cost, self.cost - self.untagged_cost)


@dataclass(frozen=True)
class ComplianceReport:
    period: str
    policy_version: int
    rows: dict[Dimension, tuple[ComplianceRow, ...]]


@dataclass
class _Tally:
    cost: dict[Standing, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    resources: dict[tuple[int, str, str], bool] = field(default_factory=dict)


def tag_compliance(
    session: Session,
    period: str,
    dimensions: Iterable[Dimension] = tuple(Dimension),
    *,
    at: datetime | None = None,
) -> ComplianceReport:
    """The ``YYYY-MM`` period judged by the tag policy in force at ``at`` (now by default), per
    each of ``dimensions``. Raises ``NoTagPolicy`` or ``BadPeriod``."""
    policy = policy_in_force(session, at or datetime.now(UTC))
    groups = list(
        judged_groups(session, policy, known_codes(session, policy), period_start(period))
    )
    teams = dict(session.execute(select(CostCenter.id, CostCenter.code)).tuples().all())
    rows = {
        dimension: _rows(groups, partial(_group_of, dimension=dimension, teams=teams))
        for dimension in dimensions
    }
    return ComplianceReport(period, policy.version, rows)


def _group_of(group: JudgedGroup, dimension: Dimension, teams: dict[int, str]) -> str:
    if dimension == Dimension.PROVIDER:
        return group.provider
    if dimension == Dimension.ACCOUNT:
        return group.billing_account
    return teams.get(group.cost_center_id, UNMAPPED) if group.cost_center_id else UNMAPPED


def _rows(
    groups: list[JudgedGroup], name_of: Callable[[JudgedGroup], str]
) -> tuple[ComplianceRow, ...]:
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    for group in groups:
        tally = tallies[(name_of(group), group.currency)]
        tally.cost[group.standing] += group.cost
        if group.resource_id:
            key = (group.source_id, group.billing_account, group.resource_id)
            compliant = group.standing == Standing.COMPLIANT
            tally.resources[key] = tally.resources.get(key, True) and compliant
    return tuple(
        ComplianceRow(
            group=name,
            currency=currency,
            cost=sum(tally.cost.values(), Decimal(0)),
            compliant_cost=tally.cost[Standing.COMPLIANT],
            untagged_cost=tally.cost[Standing.UNTAGGED],
            misclassified_cost=tally.cost[Standing.MISCLASSIFIED],
            resources=len(tally.resources),
            compliant_resources=sum(tally.resources.values()),
        )
        for (name, currency), tally in sorted(tallies.items())
    )


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole).quantize(_SHARE, rounding=ROUND_HALF_EVEN)
