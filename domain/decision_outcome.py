"""What a decision did, told from the PO's state the workflow answered with: the decider's
answer (outcome, the PO's status after it, and what the PO waits for next)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.catalog import Decision, PoStatus
from domain.chain import DecisionRecord, Tier
from domain.purchase_order import PoView


class Outcome(StrEnum):
    """What the decision did to the PO's chain of tiers."""

    APPROVAL_RECORDED = "approval_recorded"  # the branch needs more approvers
    BRANCH_APPROVED = "branch_approved"  # the tier waits on its other branches
    TIER_APPROVED = "tier_approved"  # the next tier opened
    PO_APPROVED = "po_approved"  # every tier approved: the PO goes on to issue
    REJECTED = "rejected"
    INFORMATION_REQUESTED = "information_requested"
    FORWARDED = "forwarded"
    DEADLINE_EXTENDED = "deadline_extended"


_NOT_APPROVALS = {
    Decision.REJECT: Outcome.REJECTED,
    Decision.REQUEST_INFORMATION: Outcome.INFORMATION_REQUESTED,
    Decision.FORWARD: Outcome.FORWARDED,
    Decision.EXTEND_DEADLINE: Outcome.DEADLINE_EXTENDED,
}


@dataclass(frozen=True)
class NextStep:
    """Whom the PO waits on after the decision: approvers of ``tier`` for a decision, or the
    requester for an answer to a question."""

    tier: str
    awaits: str  # "decision" or "answer"
    waiting_on: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DecisionOutcome:
    po_number: str
    decision: Decision
    tier: str
    branch: str
    actor: str
    on_behalf_of: str | None
    outcome: Outcome
    status: PoStatus
    next: NextStep | None


def outcome_of(view: PoView) -> DecisionOutcome:
    """The outcome of the latest decision in ``view``, the workflow's state right after it.

    ``status`` is the PO's status once the workflow has taken the decision in: a PO whose last
    tier was just approved reads ``approved`` (the workflow marks it so before issuing it) even
    when the view was answered a moment before the workflow got there."""
    record = view.decisions[-1]
    outcome = _NOT_APPROVALS.get(record.action) or _approval_outcome(view, record)
    status = view.status
    if outcome is Outcome.PO_APPROVED and status is PoStatus.PENDING_APPROVAL:
        status = PoStatus.APPROVED
    return DecisionOutcome(
        po_number=view.po_number,
        decision=record.action,
        tier=record.tier,
        branch=record.branch,
        actor=record.actor,
        on_behalf_of=record.on_behalf_of,
        outcome=outcome,
        status=status,
        next=_next_step(view, outcome),
    )


def _approval_outcome(view: PoView, record: DecisionRecord) -> Outcome:
    if view.tier_index >= len(view.tiers):
        return Outcome.PO_APPROVED
    tier = _decided_tier(view, record)
    if tier.approved:
        return Outcome.TIER_APPROVED
    branch = next(b for b in tier.branches if b.name == record.branch)
    return Outcome.BRANCH_APPROVED if branch.approved else Outcome.APPROVAL_RECORDED


def _decided_tier(view: PoView, record: DecisionRecord) -> Tier:
    """The tier the decision was taken in: the latest of that name not after the current one
    (a change order's round of approval repeats the tiers' names)."""
    reached = view.tiers[: view.tier_index + 1]
    return next(tier for tier in reversed(reached) if tier.name == record.tier)


def _next_step(view: PoView, outcome: Outcome) -> NextStep | None:
    if outcome is Outcome.INFORMATION_REQUESTED:
        return NextStep(view.decisions[-1].tier, "answer", [view.requisition.requester])
    waiting = view.waiting_on()
    if not waiting or outcome in (Outcome.PO_APPROVED, Outcome.REJECTED):
        return None
    return NextStep(view.tiers[view.tier_index].name, "decision", waiting)
