"""Routing (docs/purchase-order.md, step 3): a requisition and a policy become the
chain of tiers to approve.

Pure: the caller looks up the amount in base currency, budget status, vendor history, the
cost-center owner, the manager chain and role holders, and hands them in as ``RoutingFacts``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from domain.catalog import Role
from domain.chain import Branch, Tier
from domain.policy import ApproverMode, ApproverSpec, BranchSpec, Condition, Policy, TierSpec
from domain.requisition import Requisition
from domain.vendor_names import normalised_vendor_name

EMERGENCY_TIER = "emergency"
EMERGENCY_DEADLINE_HOURS = 4
EMERGENCY_REMINDER_HOURS = 1


class RoutingError(ValueError):
    """A tier whose branch has nobody left to decide once the requester is taken out."""


@dataclass(frozen=True)
class RoutingFacts:
    """What routing needs beyond the requisition, looked up by the caller."""

    amount_base_minor: int
    over_budget: bool
    new_vendor: bool
    cost_center_owner: str
    manager_chain: tuple[str, ...]  # the requester's manager, then their manager, ...
    role_members: Mapping[str, tuple[str, ...]]  # Role value -> active usernames holding it
    # How far the requisition lies from its service type's and vendor's history
    # (``domain.outliers``); None when it was not scored (too little history, or an older run).
    anomaly_score: int | None = None
    anomaly_reason: str | None = None


def route(requisition: Requisition, policy: Policy, facts: RoutingFacts) -> list[Tier]:
    """The tiers a requisition must pass, in policy order: one per tier whose ``when`` holds.

    Each branch names its people at routing time, never the requester. A branch whose approvers
    are all the requester falls to its fallback, then to procurement; ``RoutingError`` when
    none of these has anyone.
    """
    return [
        _tier(tier, requisition.requester, facts)
        for tier in policy.tiers
        if applies(tier, requisition, facts)
    ]


def route_change(tiers: Iterable[TierSpec], author: str, facts: RoutingFacts) -> list[Tier]:
    """The tiers a change to a governed document must pass: every one, in order, naming its
    people as ``route`` does with the author in the requester's place (never among them). The
    admins are the last resort, after the fallback and procurement; ``RoutingError`` when a
    branch has nobody even then."""
    admins = tuple(facts.role_members.get(Role.ADMIN.value, ()))
    return [_tier(tier, author, facts, admins) for tier in tiers]


def _tier(
    tier: TierSpec, requester: str, facts: RoutingFacts, last_resort: tuple[str, ...] = ()
) -> Tier:
    return Tier(
        tier.name,
        [_branch(tier.name, spec, requester, facts, last_resort) for spec in tier.branches],
    )


def emergency_tier(requisition: Requisition, policy: Policy, facts: RoutingFacts) -> Tier | None:
    """The one-branch ``emergency`` tier (4 h deadline, hourly reminders) for an emergency PO.

    None when the requisition is not an emergency or the policy has no emergency section.
    """
    if policy.emergency is None or not requisition.emergency:
        return None
    spec = BranchSpec(
        name=EMERGENCY_TIER,
        approvers=policy.emergency.approvers,
        deadline_minutes=EMERGENCY_DEADLINE_HOURS * 60,
        reminder_minutes=EMERGENCY_REMINDER_HOURS * 60,
    )
    return Tier(EMERGENCY_TIER, [_branch(EMERGENCY_TIER, spec, requisition.requester, facts)])


def applies(tier: TierSpec, requisition: Requisition, facts: RoutingFacts) -> bool:
    """True when the tier has no conditions or any of them holds."""
    return not tier.when or any(holds(c, requisition, facts) for c in tier.when)


def needs_approved_change_ticket(
    policy: Policy, requisition: Requisition, facts: RoutingFacts
) -> bool:
    """Whether policy issues this PO only once an approved change ticket stands behind it."""
    return any(holds(c, requisition, facts) for c in policy.approved_change_required_when)


def holds(condition: Condition, requisition: Requisition, facts: RoutingFacts) -> bool:
    """True when every field the condition sets holds (at_least inclusive, below exclusive)."""
    amount = facts.amount_base_minor
    checks = (
        condition.amount_base_minor_at_least is None
        or amount >= condition.amount_base_minor_at_least,
        condition.amount_base_minor_below is None or amount < condition.amount_base_minor_below,
        not condition.service_types or requisition.service_type in condition.service_types,
        not condition.any_risk_flag
        or not set(condition.any_risk_flag).isdisjoint(requisition.risk_flags),
        condition.over_budget is None or condition.over_budget == facts.over_budget,
        condition.new_vendor is None or condition.new_vendor == facts.new_vendor,
        condition.emergency is None or condition.emergency == requisition.emergency,
        not condition.vendors or normalised_vendor_name(requisition.vendor) in condition.vendors,
        condition.monthly_run_rate_base_minor_at_least is None
        or monthly_run_rate(amount, requisition.service_start, requisition.service_end)
        >= condition.monthly_run_rate_base_minor_at_least,
        condition.anomaly_score_at_least is None
        or (
            facts.anomaly_score is not None
            and facts.anomaly_score >= condition.anomaly_score_at_least
        ),
    )
    return all(checks)


def monthly_run_rate(amount_minor: int, start: date, end: date) -> Fraction:
    """What a PO spends a month: its amount spread evenly over its service period (both days
    included; an average month is 365.25 / 12 days), a period under a month counting as one."""
    days = (end - start).days + 1
    months = max(Fraction(days * 12 * 100, 36525), Fraction(1))
    return amount_minor / months


def resolve(spec: ApproverSpec, requester: str, facts: RoutingFacts) -> list[str]:
    """The usernames a spec names: users, role holders, cost-center owner, then managers.

    In that order, each once, without the requester (nobody approves their own PO).
    """
    people: list[str] = list(spec.users)
    if spec.role is not None:
        people += facts.role_members.get(spec.role.value, ())
    if spec.cost_center_owner:
        people.append(facts.cost_center_owner)
    people += facts.manager_chain[: spec.manager_levels]
    return _without(people, requester)


def _branch(
    tier: str,
    spec: BranchSpec,
    requester: str,
    facts: RoutingFacts,
    last_resort: tuple[str, ...] = (),
) -> Branch:
    """The branch's people: its approvers, else its fallback, else procurement, else the last
    resort (none for a PO); procurement (else the last resort) is where it escalates last."""
    eligible = resolve(spec.approvers, requester, facts)
    fallback = resolve(spec.fallback, requester, facts) if spec.fallback else []
    procurement = facts.role_members.get(Role.PROCUREMENT.value, ())
    pool = _without(procurement, requester) or _without(last_resort, requester)
    mode = spec.approvers.mode
    if not eligible and fallback:
        eligible, mode = fallback, spec.fallback.mode if spec.fallback else mode
    elif not eligible:
        eligible, mode = pool, ApproverMode.ANY_OF
    if not eligible:
        raise RoutingError(
            f"tier {tier!r}, branch {spec.name!r}: nobody but {requester!r} may decide, and "
            "there is no fallback, procurement or last-resort approver"
        )
    return Branch(
        name=spec.name,
        eligible=eligible,
        mode=mode,
        deadline_minutes=spec.deadline_minutes,
        reminder_minutes=spec.reminder_minutes,
        fallback=fallback,
        escalation_pool=pool,
        comment_required=spec.comment_required,
    )


def _without(people: Iterable[str], requester: str) -> list[str]:
    return [person for person in dict.fromkeys(people) if person and person != requester]
