"""alex's PO on a three-tier approval chain, and accepted decisions applied to it, for the rules
about what a decision, a deadline and a pause do to the chain."""

from datetime import datetime, timedelta

from domain.approval import Effect, apply_decision
from domain.catalog import Decision
from domain.chain import ApprovalState, Branch, Tier
from domain.entitlement import DecisionRequest, Delegation, refusal
from domain.policy import ApproverMode
from tests.builders.approvals import NOW

LATER = NOW + timedelta(hours=50)
DEADLINE = 48 * 60


def cost_center_owner_branch(mode: ApproverMode = ApproverMode.ANY_OF) -> Branch:
    return Branch(
        "cost-center owner", ["priya"], mode=mode, fallback=["tom"], escalation_pool=["paul"]
    )


def chain(
    *tiers: Tier,
    security: tuple[str, ...] = ("lee",),
    security_mode: ApproverMode = ApproverMode.ANY_OF,
) -> ApprovalState:
    """alex's 30,000.00 PO on IT-INFRA: cost-center owner, IT leadership, then security and legal
    in parallel, waiting on its first tier."""
    default = [
        Tier("cost-center owner", [cost_center_owner_branch()]),
        Tier("IT leadership", [Branch("IT leadership", ["tom"])]),
        Tier(
            "risk review",
            [
                Branch("security", list(security), mode=security_mode),
                Branch("legal", ["nora"]),
            ],
        ),
    ]
    return ApprovalState(
        requester="alex",
        cost_center="IT-INFRA",
        amount_base_minor=3_000_000,
        tiers=list(tiers) or default,
        waiting=True,
    )


def one_branch(branch: Branch) -> ApprovalState:
    return chain(Tier(branch.name, [branch]))


def all_of(
    eligible: tuple[str, ...] = ("lee", "sam"),
    fallback: tuple[str, ...] = ("rita",),
    pool: tuple[str, ...] = ("paul",),
) -> Branch:
    return Branch(
        "security",
        list(eligible),
        mode=ApproverMode.ALL_OF,
        fallback=list(fallback),
        escalation_pool=list(pool),
    )


def decide(
    state: ApprovalState,
    actor: str,
    action: Decision = Decision.APPROVE,
    *,
    comment: str = "",
    forward_to: str | None = None,
    delegation: Delegation | None = None,
    extend_minutes: int | None = None,
    at: datetime = NOW,
) -> Effect:
    """Validate a decision as the Update validator does, then apply it."""
    request = DecisionRequest(
        actor=actor,
        action=action,
        comment=comment,
        forward_to=forward_to,
        delegation=delegation,
        extend_minutes=extend_minutes,
    )
    assert refusal(state, request, at) is None
    return apply_decision(state, request, at)


def branch_now(state: ApprovalState, index: int = 0) -> Branch:
    tier = state.tier_now()
    assert tier is not None
    return tier.branches[index]
