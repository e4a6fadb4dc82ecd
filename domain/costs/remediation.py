"""Tag remediation (docs/change-control.md, "Tag remediation"): one run per resource owner and
billing period, holding a task in the owner's inbox until the resources they own break the tag
policy no more, fixed at the source (the next load shows it) or mapped by hand (a virtual tag).
These are the payloads its workflow, its activities and its callers exchange."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from domain.chain import Tier
from domain.costs.governance_tasks import owner_tier
from domain.money import minor_digits

# As an approval branch: the owner has five days, is reminded every two, then it escalates to
# their manager (or FinOps, when they have none), then to FinOps.
DEADLINE = timedelta(days=5)
REMINDER = timedelta(days=2)


class RemediationStatus(StrEnum):
    OPEN = "open"
    FIXED = "fixed"  # a load of the period shows the tags right
    MAPPED = "mapped"  # virtual tags map what the provider's tags lack
    NOTHING_TO_FIX = "nothing_to_fix"


class Recheck(StrEnum):
    """Why the findings are read again: a load of the period ended, or a virtual tag changed."""

    LOAD = "load"
    VIRTUAL_TAG = "virtual_tag"


@dataclass(frozen=True)
class RemediationStart:
    owner: str  # a username
    period: str  # YYYY-MM


@dataclass(frozen=True)
class ResourceToFix:
    """A resource the owner must tag, and what is wrong with its tags (``key: problem``)."""

    resource_id: str
    provider: str
    billing_account: str
    service: str
    cost_center: str | None
    problems: tuple[str, ...]
    cost_minor: int  # its noncompliant lines' effective cost, base currency
    currency: str


@dataclass(frozen=True)
class RemediationFindings:
    """What the owner must fix in the period now, and who the task escalates to."""

    resources: tuple[ResourceToFix, ...]
    manager: str | None
    finops: tuple[str, ...]


@dataclass
class RemediationView:
    owner: str
    period: str
    status: RemediationStatus = RemediationStatus.OPEN
    resources: list[ResourceToFix] = field(default_factory=list)
    waiting_on: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"tags of {self.owner}'s resources in {self.period}"


def remediation_workflow_id(owner: str, period: str) -> str:
    return f"tag-remediation-{owner}-{period}"


def remediation_link(owner: str, period: str) -> str:
    return f"/costs/remediations/{period}/{owner}"


def owner_branch(owner: str, findings: RemediationFindings) -> Tier:
    """The owner's task as a one-branch tier (``owner_tier``): the manager as fallback (FinOps
    without one), FinOps as the last resort."""
    return owner_tier("remediation", owner, findings.manager, findings.finops, DEADLINE, REMINDER)


def minor_units(amount: Decimal, currency: str) -> int:
    """An amount in its currency's minor units, rounded half to even."""
    return int((amount * 10 ** minor_digits(currency)).quantize(Decimal(1), ROUND_HALF_EVEN))


def listed(resources: tuple[ResourceToFix, ...]) -> list[dict[str, object]]:
    """The resources as a message and the task list them."""
    return [
        {
            "resource_id": r.resource_id,
            "service": r.service,
            "billing_account": r.billing_account,
            "problems": list(r.problems),
            "cost_minor": r.cost_minor,
            "currency": r.currency,
        }
        for r in resources
    ]
