"""Who may decide what, now: entitlement, delegation and segregation of duties
(docs/purchase-order.md, step 4). The decision Update's validator calls ``refusal`` before
anything is recorded."""

from dataclasses import dataclass
from datetime import datetime

from domain.catalog import Decision
from domain.chain import ApprovalState, Branch, Tier
from domain.wording import DECISION_WORDS


@dataclass(frozen=True)
class Delegation:
    """Out of office: ``delegate`` decides for ``delegator`` between two instants, within a scope
    (some cost centers, up to an amount; empty scope fields mean no limit)."""

    delegator: str
    delegate: str
    starts: datetime
    ends: datetime
    cost_centers: tuple[str, ...] = ()
    max_amount_base_minor: int | None = None

    def covers(self, cost_center: str, amount_base_minor: int, at: datetime) -> bool:
        in_time = self.starts <= at < self.ends
        in_scope = not self.cost_centers or cost_center in self.cost_centers
        in_amount = (
            self.max_amount_base_minor is None or amount_base_minor <= self.max_amount_base_minor
        )
        return in_time and in_scope and in_amount


@dataclass(frozen=True)
class DecisionRequest:
    """A decision as the approver sends it; ``delegation`` when acting for someone else."""

    actor: str
    action: Decision
    comment: str = ""
    branch: str | None = None
    forward_to: str | None = None
    delegation: Delegation | None = None
    extend_minutes: int | None = None

    @property
    def principal(self) -> str:
        """The person whose entitlement is used: the delegator, or the actor themself."""
        return self.delegation.delegator if self.delegation else self.actor


@dataclass(frozen=True)
class Refusal:
    """Why a decision is refused; ``rule`` is stable for callers (the API maps it to a status)."""

    rule: str
    message: str


def refusal(state: ApprovalState, request: DecisionRequest, now: datetime) -> Refusal | None:
    """The first rule the decision breaks, or None when it may be recorded."""
    found = _entitled_branch(state, request, now)
    if isinstance(found, Refusal):
        return found
    tier, branch = found
    return _segregation_refusal(state, tier, branch, request) or _form_refusal(
        state, tier, branch, request
    )


def entitlement_refusal(
    state: ApprovalState, request: DecisionRequest, now: datetime
) -> Refusal | None:
    """Why the request's actor may not decide the current tier now (for themselves, or through
    the request's delegation), whatever the action; None when a branch waits on them. Pages
    use it to offer the decision only to those the validator would hear."""
    found = _entitled_branch(state, request, now)
    return found if isinstance(found, Refusal) else None


def _entitled_branch(
    state: ApprovalState, request: DecisionRequest, now: datetime
) -> tuple[Tier, Branch] | Refusal:
    tier = state.tier_now()
    if tier is None:
        return Refusal("not_waiting", "this purchase order is not waiting for a decision")
    person_refusal = _person_refusal(state, request, now)
    if person_refusal:
        return person_refusal
    branch = branch_for(tier, request)
    if branch is None:
        waiting = ", ".join(p for b in tier.branches for p in b.waiting_on()) or "nobody"
        return Refusal(
            "not_entitled",
            f"{request.principal} may not decide tier '{tier.name}'; it waits on {waiting}",
        )
    return tier, branch


def branch_for(tier: Tier, request: DecisionRequest) -> Branch | None:
    """The branch of ``tier`` the request decides: one waiting on its principal."""
    for branch in tier.branches:
        if request.branch not in (None, branch.name):
            continue
        if request.principal in branch.waiting_on():
            return branch
    return None


def approvers_elsewhere(state: ApprovalState, tier: Tier, branch: Branch) -> set[str]:
    """Everyone who approved (or was acted for in) any other branch or tier of this PO's
    current approval round."""
    in_round = state.tiers_of_round()
    return {
        person
        for record in state.decisions
        if record.action is Decision.APPROVE
        and record.tier in in_round
        and (record.tier, record.branch) != (tier.name, branch.name)
        for person in (record.actor, record.on_behalf_of)
        if person
    }


def forward_candidates(state: ApprovalState, tier: Tier, branch: Branch, actor: str) -> list[str]:
    """Who a branch may be forwarded to: its eligible, fallback and escalation people, less the
    requester, the one forwarding, and anyone whose approval would break segregation of duties."""
    excluded = {state.requester, actor, *branch.approvals}
    if not state.allow_same_approver_across_tiers:
        excluded |= approvers_elsewhere(state, tier, branch)
    pool = branch.eligible + branch.fallback + branch.escalation_pool
    return [person for person in dict.fromkeys(pool) if person not in excluded]


def _person_refusal(
    state: ApprovalState, request: DecisionRequest, now: datetime
) -> Refusal | None:
    delegation = request.delegation
    if delegation is not None and (
        delegation.delegate != request.actor
        or not delegation.covers(state.cost_center, state.amount_base_minor, now)
    ):
        return Refusal(
            "delegation_not_valid",
            f"{request.actor} holds no delegation from {delegation.delegator} covering this "
            "purchase order now",
        )
    if state.requester in (request.actor, request.principal):
        return Refusal(
            "self_approval",
            f"{state.requester} requested this purchase order and may not decide it",
        )
    return None


def _segregation_refusal(
    state: ApprovalState, tier: Tier, branch: Branch, request: DecisionRequest
) -> Refusal | None:
    if request.action is not Decision.APPROVE or state.allow_same_approver_across_tiers:
        return None
    overlap = {request.actor, request.principal} & approvers_elsewhere(state, tier, branch)
    if overlap:
        return Refusal(
            "segregation_of_duties",
            f"{', '.join(sorted(overlap))} already approved another tier of this purchase order",
        )
    return None


def _form_refusal(
    state: ApprovalState, tier: Tier, branch: Branch, request: DecisionRequest
) -> Refusal | None:
    action, comment = request.action, request.comment.strip()
    needs_comment = action in (
        Decision.REJECT,
        Decision.REQUEST_INFORMATION,
        Decision.EXTEND_DEADLINE,
    ) or (action is Decision.APPROVE and branch.comment_required)
    if needs_comment and not comment:
        wanted = DECISION_WORDS[action]
        return Refusal("comment_required", f"a comment is required to {wanted} here")
    if action is Decision.FORWARD:
        candidates = forward_candidates(state, tier, branch, request.principal)
        if request.forward_to not in candidates:
            return Refusal(
                "invalid_forward",
                f"tier '{tier.name}' can be forwarded to: {', '.join(candidates) or 'nobody'}",
            )
    if action is Decision.EXTEND_DEADLINE:
        return _extension_refusal(branch, request)
    return None


def _extension_refusal(branch: Branch, request: DecisionRequest) -> Refusal | None:
    if branch.extended:
        return Refusal("already_extended", "this tier's deadline was already extended once")
    minutes = branch.deadline_minutes if request.extend_minutes is None else request.extend_minutes
    if not 1 <= minutes <= branch.deadline_minutes:
        return Refusal(
            "invalid_extension",
            f"a deadline can be extended by at most its own length ({branch.deadline_minutes} min)",
        )
    return None
