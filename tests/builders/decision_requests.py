"""Decision requests on an approval chain, for the rules about who may decide it now: a request as
the decision form sends it, a delegation, and whether the rules accept or refuse it."""

from datetime import datetime, timedelta

from domain.approval import apply_decision
from domain.catalog import Decision
from domain.chain import ApprovalState, Branch
from domain.entitlement import DecisionRequest, Delegation, Refusal, refusal
from tests.builders.approvals import NOW


def ask(
    actor: str,
    action: Decision = Decision.APPROVE,
    *,
    comment: str = "",
    branch: str | None = None,
    forward_to: str | None = None,
    delegation: Delegation | None = None,
    extend_minutes: int | None = None,
) -> DecisionRequest:
    return DecisionRequest(
        actor=actor,
        action=action,
        comment=comment,
        branch=branch,
        forward_to=forward_to,
        delegation=delegation,
        extend_minutes=extend_minutes,
    )


def delegation(
    delegator: str,
    delegate: str,
    *,
    starts: datetime = NOW - timedelta(days=1),
    ends: datetime = NOW + timedelta(days=1),
    cost_centers: tuple[str, ...] = (),
    max_amount: int | None = None,
) -> Delegation:
    return Delegation(delegator, delegate, starts, ends, cost_centers, max_amount)


def accepted(state: ApprovalState, request: DecisionRequest) -> None:
    """Validate and record a decision, as the workflow's Update does."""
    assert refusal(state, request, NOW) is None
    apply_decision(state, request, NOW)


def rule(state: ApprovalState, request: DecisionRequest) -> str | None:
    refused = refusal(state, request, NOW)
    return refused.rule if refused else None


def refused(state: ApprovalState, request: DecisionRequest) -> Refusal:
    result = refusal(state, request, NOW)
    assert result is not None, f"{request} was accepted"
    return result


def current_branch(state: ApprovalState, index: int = 0) -> Branch:
    tier = state.tier_now()
    assert tier is not None
    return tier.branches[index]
