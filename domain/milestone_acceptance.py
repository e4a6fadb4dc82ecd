"""A delivered milestone of an issued PO, accepted or rejected against its acceptance criteria
(the PO's terms) by its two sides: the service owner (the PO's cost-center owner) and IT
operations (the owner of an IT service in the catalogue). Both accepting accepts the milestone;
either rejecting rejects it until it is delivered again. The requester never decides."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.catalog import PoStatus
from domain.entitlement import Refusal
from domain.receipts import ReceiptKind, ReceiptRecord
from domain.requisition import Requisition
from domain.terms.milestones import Milestone, milestone_key
from domain.wording import status_words


class MilestoneVerdict(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class AcceptanceSide(StrEnum):
    SERVICE_OWNER = "service_owner"
    IT_OPERATIONS = "it_operations"


class MilestoneState(StrEnum):
    NOT_DELIVERED = "not_delivered"
    DELIVERED = "delivered"  # waiting on a side's decision
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class CriterionResult:
    """One acceptance criterion of the milestone, met or not."""

    criterion: str
    met: bool


@dataclass(frozen=True)
class MilestoneDecision:
    """``actor_is_it_operations``: the actor owns an IT service (the caller looks it up)."""

    actor: str
    milestone: str
    verdict: MilestoneVerdict
    comment: str = ""
    criteria: tuple[CriterionResult, ...] = ()
    actor_is_it_operations: bool = False


@dataclass(frozen=True)
class MilestoneDecisionRecord:
    """``delivery`` is the number of the receipt that delivered what was decided."""

    number: int
    milestone: str  # as the PO's terms spell it
    delivery: int
    side: AcceptanceSide
    verdict: MilestoneVerdict
    actor: str
    decided_at: datetime
    comment: str = ""
    criteria: tuple[CriterionResult, ...] = ()


@dataclass(frozen=True)
class MilestoneStanding:
    """Where a milestone stands: its latest delivery and the decisions taken on it."""

    milestone: Milestone
    state: MilestoneState
    delivery: ReceiptRecord | None = None
    decisions: tuple[MilestoneDecisionRecord, ...] = ()


def service_owner(requester: str, cost_center_owner: str, managers: Sequence[str]) -> str | None:
    """The cost-center owner; the requester's nearest manager when the owner requested it."""
    if cost_center_owner != requester:
        return cost_center_owner
    return next((person for person in managers if person != requester), None)


def side_of(decision: MilestoneDecision, owner: str | None) -> AcceptanceSide | None:
    """The side the actor decides for: one person, one side (the service owner first)."""
    if owner is not None and decision.actor == owner:
        return AcceptanceSide.SERVICE_OWNER
    if decision.actor_is_it_operations:
        return AcceptanceSide.IT_OPERATIONS
    return None


def find_milestone(requisition: Requisition, name: str) -> Milestone | None:
    """The milestone of the PO's terms so named (without case or surrounding spaces)."""
    terms = requisition.terms.milestones if requisition.terms is not None else ()
    return next((m for m in terms if milestone_key(m.name) == milestone_key(name)), None)


def milestone_decision_refusal(
    status: PoStatus,
    decision: MilestoneDecision,
    requisition: Requisition,
    owner: str | None,
    receipts: list[ReceiptRecord],
    decisions: list[MilestoneDecisionRecord],
) -> Refusal | None:
    """The first rule a milestone decision breaks, or None (``owner``: ``service_owner``)."""
    if status is not PoStatus.ISSUED:
        return Refusal("not_issued", f"a {status_words(status)} purchase order has no milestone")
    milestone = find_milestone(requisition, decision.milestone)
    if milestone is None:
        return Refusal(
            "unknown_milestone", f"{decision.milestone} is not a milestone of this purchase order"
        )
    return (
        _decider_refusal(decision, requisition, owner)
        or _content_refusal(decision, milestone)
        or _round_refusal(decision, standing(milestone, receipts, decisions), owner)
    )


def standing(
    milestone: Milestone,
    receipts: list[ReceiptRecord],
    decisions: list[MilestoneDecisionRecord],
) -> MilestoneStanding:
    delivery = _latest_delivery(milestone, receipts)
    if delivery is None:
        return MilestoneStanding(milestone, MilestoneState.NOT_DELIVERED)
    name = milestone_key(milestone.name)
    taken = tuple(
        d for d in decisions if milestone_key(d.milestone) == name and d.delivery == delivery.number
    )
    return MilestoneStanding(milestone, _state_of(taken), delivery, taken)


def standings(
    requisition: Requisition,
    receipts: list[ReceiptRecord],
    decisions: list[MilestoneDecisionRecord],
) -> list[MilestoneStanding]:
    """Every milestone of the PO's terms, in their order, with where it stands."""
    terms = requisition.terms.milestones if requisition.terms is not None else ()
    return [standing(milestone, receipts, decisions) for milestone in terms]


def _decider_refusal(
    decision: MilestoneDecision, requisition: Requisition, owner: str | None
) -> Refusal | None:
    if decision.actor == requisition.requester:
        return Refusal(
            "segregation_of_duties",
            f"{decision.actor} requested this purchase order and may not accept its milestones",
        )
    if side_of(decision, owner) is None:
        return Refusal(
            "not_entitled",
            f"the service owner ({owner or 'nobody'}) or IT operations (an IT service's owner) "
            "decides a milestone",
        )
    return None


def _content_refusal(decision: MilestoneDecision, milestone: Milestone) -> Refusal | None:
    if decision.verdict is MilestoneVerdict.REJECT and not decision.comment.strip():
        return Refusal("comment_required", "a rejected milestone needs a comment saying why")
    criteria = {milestone_key(c) for c in milestone.acceptance_criteria}
    for result in decision.criteria:
        if milestone_key(result.criterion) not in criteria:
            return Refusal(
                "unknown_criterion",
                f"{result.criterion} is not an acceptance criterion of {milestone.name}",
            )
        if decision.verdict is MilestoneVerdict.ACCEPT and not result.met:
            return Refusal(
                "criterion_not_met",
                f"{milestone.name} cannot be accepted with {result.criterion} not met",
            )
    return None


def _round_refusal(
    decision: MilestoneDecision, item: MilestoneStanding, owner: str | None
) -> Refusal | None:
    name = item.milestone.name
    if item.state is MilestoneState.NOT_DELIVERED:
        return Refusal("not_delivered", f"{name} has not been delivered (no receipt names it)")
    if item.state is not MilestoneState.DELIVERED:
        again = " until it is delivered again" if item.state is MilestoneState.REJECTED else ""
        return Refusal("milestone_decided", f"{name} is {item.state.value}{again}")
    side = side_of(decision, owner)
    if any(d.side is side for d in item.decisions):
        return Refusal("already_decided", f"{name} was decided for {side} on this delivery")
    return None


def _state_of(taken: tuple[MilestoneDecisionRecord, ...]) -> MilestoneState:
    if any(d.verdict is MilestoneVerdict.REJECT for d in taken):
        return MilestoneState.REJECTED
    if {d.side for d in taken} == set(AcceptanceSide):
        return MilestoneState.ACCEPTED
    return MilestoneState.DELIVERED


def _latest_delivery(milestone: Milestone, receipts: list[ReceiptRecord]) -> ReceiptRecord | None:
    delivered = [
        r
        for r in receipts
        if r.kind is ReceiptKind.MILESTONE_DELIVERED
        and milestone_key(r.milestone or "") == milestone_key(milestone.name)
    ]
    return delivered[-1] if delivered else None
