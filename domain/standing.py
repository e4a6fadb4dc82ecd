"""Where one person stands on a PO now: whether they may decide its current tier, for
themselves or on behalf of a delegator, and otherwise a short sentence saying why not. The
entitlement rules are the validator's own (``domain.entitlement``), so what a page offers is
what the workflow accepts."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.catalog import Decision
from domain.chain import ApprovalState, Stage
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
    stage = state.stage_now()
    if stage is None:
        return Standing()

    def entitled(delegation: Delegation | None) -> bool:
        # entitlement does not depend on the action; any one stands for all
        request = DecisionRequest(person, Decision.APPROVE, delegation=delegation)
        return entitlement_refusal(state, request, now) is None

    for_myself = entitled(None)
    delegators = tuple(d.delegator for d in delegations if entitled(d))
    if for_myself or delegators:
        return Standing(for_myself, delegators)
    return Standing(why_not=_why_not(state, stage, person, delegations, now))


def _why_not(
    state: ApprovalState,
    stage: Stage,
    person: str,
    delegations: Sequence[Delegation],
    now: datetime,
) -> str:
    reasons = []
    if person == state.requester:
        reasons.append("You requested this PO.")
    reasons += [f"You approved {tier}." for tier in _tiers_approved_by(state, person)]
    waiting = [p for b in stage.branches for p in b.waiting_on()]
    reasons += [
        f"Your delegation from {d.delegator} does not cover this PO."
        for d in delegations
        if d.delegator in waiting and not d.covers(state.cost_center, state.amount_base_minor, now)
    ]
    reasons.append(f"Waiting on {', '.join(dict.fromkeys(waiting)) or 'nobody'} ({stage.name}).")
    return " ".join(reasons)


def _tiers_approved_by(state: ApprovalState, person: str) -> list[str]:
    """The tiers of this approval round ``person`` approved, as "tier N (name)"."""
    numbers = {stage.name: number for number, stage in enumerate(state.stages, start=1)}
    approved = [
        record.stage
        for record in state.decisions
        if record.action is Decision.APPROVE
        and record.stage in state.stages_of_round()
        and person in (record.actor, record.on_behalf_of)
    ]
    return [f"tier {numbers[name]} ({name})" for name in dict.fromkeys(approved)]
