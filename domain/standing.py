"""Where one person stands on a PO now: whether they may decide its current tier, for
themselves or on behalf of a delegator, and otherwise a short sentence saying why not. The
entitlement rules are the validator's own (``domain.entitlement``), so what a page offers is
what the workflow accepts."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.catalog import Decision
from domain.chain import ApprovalState, Tier
from domain.entitlement import DecisionRequest, Delegation, entitlement_refusal


@dataclass(frozen=True)
class Standing:
    """``for_myself`` and ``on_behalf_of`` (delegators) are the ways the person may decide now;
    ``why_not`` says why they may not, or is empty when the PO waits on no decision."""

    for_myself: bool = False
    on_behalf_of: tuple[str, ...] = ()
    why_not: str = ""

    @property
    def may_decide(self) -> bool:
        return self.for_myself or bool(self.on_behalf_of)

    @property
    def only_choice(self) -> str | None:
        """The one way to decide when there is exactly one: "" for oneself, or the delegator."""
        choices = ([""] if self.for_myself else []) + list(self.on_behalf_of)
        return choices[0] if len(choices) == 1 else None


def standing(
    state: ApprovalState, person: str, delegations: Sequence[Delegation], now: datetime
) -> Standing:
    """What ``person``, holding ``delegations`` (one per delegator), may do on the current tier."""
    tier = state.tier_now()
    if tier is None:
        return Standing()

    def entitled(delegation: Delegation | None) -> bool:
        # entitlement does not depend on the action; any one stands for all
        request = DecisionRequest(person, Decision.APPROVE, delegation=delegation)
        return entitlement_refusal(state, request, now) is None

    for_myself = entitled(None)
    delegators = tuple(d.delegator for d in delegations if entitled(d))
    if for_myself or delegators:
        return Standing(for_myself, delegators)
    return Standing(why_not=_why_not(state, tier, person, delegations, now))


def _why_not(
    state: ApprovalState,
    tier: Tier,
    person: str,
    delegations: Sequence[Delegation],
    now: datetime,
) -> str:
    reasons = []
    if person == state.requester:
        reasons.append("You requested this PO.")
    reasons += [f"You approved {name}." for name in _tiers_approved_by(state, person)]
    waiting = [p for b in tier.branches for p in b.waiting_on()]
    reasons += [
        f"Your delegation from {d.delegator} does not cover this PO."
        for d in delegations
        if d.delegator in waiting and not d.covers(state.cost_center, state.amount_base_minor, now)
    ]
    reasons.append(f"Waiting on {', '.join(dict.fromkeys(waiting)) or 'nobody'} ({tier.name}).")
    return " ".join(reasons)


def _tiers_approved_by(state: ApprovalState, person: str) -> list[str]:
    """The tiers of this approval round ``person`` approved, as "tier N (name)"."""
    numbers = {tier.name: number for number, tier in enumerate(state.tiers, start=1)}
    approved = [
        record.tier
        for record in state.decisions
        if record.action is Decision.APPROVE
        and record.tier in state.tiers_of_round()
        and person in (record.actor, record.on_behalf_of)
    ]
    return [f"tier {numbers[name]} ({name})" for name in dict.fromkeys(approved)]
