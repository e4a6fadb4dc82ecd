"""Who may decide a purchase order's approval now (docs/purchase-order.md, step 4):
entitlement, escalation, delegation, segregation of duties, comments, forwarding, extensions."""

from datetime import datetime, timedelta

import pytest

from domain.approval import apply_decision, escalate
from domain.catalog import Decision
from domain.chain import ApprovalState, Branch, Tier
from domain.entitlement import (
    DecisionRequest,
    Delegation,
    Refusal,
    approvers_elsewhere,
    branch_for,
    forward_candidates,
    refusal,
)
from domain.policy import ApproverMode
from domain.wording import DECISION_WORDS
from tests.builders.approvals import (
    AMOUNT,
    COST_CENTER,
    NOW,
    REQUESTER,
    chain,
    cost_center_owner_tier,
    leadership_tier,
    risk_tier,
)

# -- builders ---------------------------------------------------------------------------------


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


# -- not waiting --------------------------------------------------------------------------------


def test_a_po_not_waiting_for_a_decision_refuses_every_decision() -> None:
    state = chain()
    state.waiting = False
    for action in Decision:
        assert rule(state, ask("priya", action, comment="why")) == "not_waiting"


def test_a_fully_approved_po_refuses_further_decisions() -> None:
    state = chain()
    for person in ("priya", "tom", "lee", "nora"):
        accepted(state, ask(person))
    result = refused(state, ask("nora"))
    assert result.rule == "not_waiting"
    assert "not waiting" in result.message


def test_a_rejected_po_refuses_a_later_approval() -> None:
    state = chain()
    accepted(state, ask("priya", Decision.REJECT, comment="not this quarter"))
    assert rule(state, ask("priya")) == "not_waiting"


def test_not_waiting_wins_over_every_other_rule() -> None:
    state = chain()
    state.waiting = False
    assert rule(state, ask(REQUESTER)) == "not_waiting"


# -- self approval ------------------------------------------------------------------------------


def test_the_requester_cannot_approve_their_own_po() -> None:
    state = chain()
    result = refused(state, ask(REQUESTER))
    assert result.rule == "self_approval"
    assert REQUESTER in result.message


def test_the_requester_cannot_approve_even_when_routed_to_them() -> None:
    state = chain(Tier("cost-center owner", [Branch("cost-center owner", [REQUESTER, "priya"])]))
    assert rule(state, ask(REQUESTER)) == "self_approval"
    assert rule(state, ask(REQUESTER, Decision.FORWARD, forward_to="priya")) == "self_approval"


def test_the_requester_cannot_approve_as_someone_elses_delegate() -> None:
    state = chain()
    request = ask(REQUESTER, delegation=delegation("priya", REQUESTER))
    assert rule(state, request) == "self_approval"


def test_a_delegate_cannot_approve_on_behalf_of_the_requester() -> None:
    state = chain(Tier("cost-center owner", [Branch("cost-center owner", [REQUESTER, "priya"])]))
    request = ask("dave", delegation=delegation(REQUESTER, "dave"))
    assert rule(state, request) == "self_approval"


# -- entitlement --------------------------------------------------------------------------------


def test_only_the_current_tiers_approver_may_decide() -> None:
    state = chain()
    assert rule(state, ask("priya")) is None
    result = refused(state, ask("tom"))
    assert result.rule == "not_entitled"
    assert result.message == "tom may not decide tier 'cost-center owner'; it waits on priya"


def test_a_later_tiers_approver_may_not_decide_early_but_may_once_it_is_their_turn() -> None:
    state = chain()
    assert rule(state, ask("nora")) == "not_entitled"
    accepted(state, ask("priya"))
    accepted(state, ask("tom"))
    assert rule(state, ask("nora")) is None


def test_not_entitled_names_everyone_the_parallel_tier_waits_on() -> None:
    state = chain(risk_tier())
    result = refused(state, ask("sam"))
    assert result.rule == "not_entitled"
    assert result.message.endswith("it waits on lee, nora")


def test_not_entitled_no_longer_names_a_branch_approver_who_has_approved() -> None:
    state = chain(risk_tier())
    accepted(state, ask("lee"))
    assert refused(state, ask("sam")).message.endswith("it waits on nora")
    assert rule(state, ask("lee")) == "not_entitled"


def test_escalation_opens_the_tier_to_the_fallback_then_to_procurement() -> None:
    state = chain()
    branch = current_branch(state)
    assert rule(state, ask("tom")) == "not_entitled"
    assert rule(state, ask("paul")) == "not_entitled"

    escalate(branch, NOW)
    assert branch.escalation_level == 1
    assert rule(state, ask("tom")) is None
    assert rule(state, ask("priya")) is None
    assert refused(state, ask("paul")).message.endswith("it waits on priya, tom")

    escalate(branch, NOW)
    assert branch.escalation_level == 2
    assert rule(state, ask("paul")) is None


# -- parallel branches --------------------------------------------------------------------------


def test_branch_for_picks_the_branch_waiting_on_the_approver() -> None:
    tier = risk_tier()
    assert branch_for(tier, ask("nora")) is tier.branches[1]
    assert branch_for(tier, ask("lee")) is tier.branches[0]
    assert branch_for(tier, ask("sam")) is None


def test_naming_the_branch_selects_it_when_the_approver_sits_on_both() -> None:
    tier = risk_tier(security=("lee", "omar"), legal=("nora", "omar"))
    assert branch_for(tier, ask("omar")) is tier.branches[0]
    assert branch_for(tier, ask("omar", branch="legal")) is tier.branches[1]


def test_naming_a_branch_the_approver_does_not_sit_on_is_not_entitled() -> None:
    state = chain(risk_tier())
    assert rule(state, ask("lee", branch="security")) is None
    assert rule(state, ask("lee", branch="legal")) == "not_entitled"
    assert rule(state, ask("lee", branch="finance")) == "not_entitled"


def test_a_decision_is_recorded_against_the_named_branch() -> None:
    state = chain(risk_tier(security=("lee", "omar"), legal=("nora", "omar")))
    accepted(state, ask("omar", branch="legal"))
    assert state.decisions[-1].branch == "legal"
    tier = state.tier_now()
    assert tier is not None
    assert tier.branches[1].approvals == ["omar"]
    assert tier.branches[0].approvals == []


# -- segregation of duties ----------------------------------------------------------------------


def test_the_same_person_cannot_approve_two_tiers() -> None:
    state = chain()
    escalate(current_branch(state), NOW)
    accepted(state, ask("tom"))  # tom approves the cost-center tier as its fallback
    result = refused(state, ask("tom"))
    assert result.rule == "segregation_of_duties"
    assert result.message == "tom already approved another tier of this purchase order"


def test_policy_may_allow_the_same_approver_across_tiers() -> None:
    state = chain(allow_same_approver=True)
    escalate(current_branch(state), NOW)
    accepted(state, ask("tom"))
    assert rule(state, ask("tom")) is None


def test_the_same_person_cannot_approve_two_parallel_branches() -> None:
    state = chain(risk_tier(security=("lee",), legal=("nora", "lee")))
    accepted(state, ask("lee", branch="security"))
    assert rule(state, ask("lee", branch="legal")) == "segregation_of_duties"
    assert rule(state, ask("nora", branch="legal")) is None


def test_segregation_only_concerns_approvals() -> None:
    state = chain()
    escalate(current_branch(state), NOW)
    accepted(state, ask("tom", Decision.REQUEST_INFORMATION, comment="which rack?"))
    accepted(state, ask("priya"))
    assert rule(state, ask("tom")) is None


def test_segregation_does_not_stop_rejecting_or_asking_at_a_second_tier() -> None:
    state = chain()
    escalate(current_branch(state), NOW)
    accepted(state, ask("tom"))
    assert rule(state, ask("tom", Decision.REJECT, comment="over budget")) is None
    assert rule(state, ask("tom", Decision.REQUEST_INFORMATION, comment="why?")) is None


def test_a_delegate_who_approved_one_tier_cannot_approve_another_as_someone_elses_delegate() -> (
    None
):
    state = chain()
    accepted(state, ask("dave", delegation=delegation("priya", "dave")))
    result = refused(state, ask("dave", delegation=delegation("tom", "dave")))
    assert result.rule == "segregation_of_duties"
    assert "dave" in result.message


def test_a_person_acted_for_in_one_tier_cannot_approve_another_tier_themself() -> None:
    state = chain(cost_center_owner_tier(), leadership_tier(eligible=("tom", "priya")))
    accepted(state, ask("dave", delegation=delegation("priya", "dave")))
    assert state.decisions[-1].on_behalf_of == "priya"
    assert rule(state, ask("priya")) == "segregation_of_duties"
    assert rule(state, ask("erin", delegation=delegation("priya", "erin"))) == (
        "segregation_of_duties"
    )
    assert rule(state, ask("tom")) is None


def test_approvers_elsewhere_names_actors_and_those_acted_for_outside_the_branch() -> None:
    state = chain()
    accepted(state, ask("dave", delegation=delegation("priya", "dave")))
    tier = state.tier_now()
    assert tier is not None
    assert approvers_elsewhere(state, tier, tier.branches[0]) == {"dave", "priya"}
    first = state.tiers[0]
    assert approvers_elsewhere(state, first, first.branches[0]) == set()


# -- comments -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action", [Decision.REJECT, Decision.REQUEST_INFORMATION, Decision.EXTEND_DEADLINE]
)
def test_rejecting_asking_and_extending_need_a_comment(action: Decision) -> None:
    state = chain()
    result = refused(state, ask("priya", action))
    assert result.rule == "comment_required"
    assert DECISION_WORDS[action] in result.message  # "ask for information", in words
    assert rule(state, ask("priya", action, comment="   ")) == "comment_required"
    assert rule(state, ask("priya", action, comment="see ticket IT-4711")) is None


def test_approving_needs_no_comment_unless_the_tier_requires_one() -> None:
    assert rule(chain(), ask("priya")) is None
    state = chain(cost_center_owner_tier(comment_required=True))
    assert rule(state, ask("priya")) == "comment_required"
    assert rule(state, ask("priya", comment="budgeted in Q1")) is None


def test_forwarding_needs_no_comment() -> None:
    assert rule(chain(), ask("priya", Decision.FORWARD, forward_to="tom")) is None


# -- forwarding ---------------------------------------------------------------------------------


def test_an_approver_may_forward_to_another_eligible_approver() -> None:
    state = chain()
    assert forward_candidates(state, state.tiers[0], current_branch(state), "priya") == [
        "tom",
        "paul",
    ]
    assert rule(state, ask("priya", Decision.FORWARD, forward_to="paul")) is None


def test_forwarding_to_the_requester_is_refused_and_names_the_candidates() -> None:
    state = chain(cost_center_owner_tier(pool=("paul", REQUESTER)))
    result = refused(state, ask("priya", Decision.FORWARD, forward_to=REQUESTER))
    assert result.rule == "invalid_forward"
    assert result.message == "tier 'cost-center owner' can be forwarded to: tom, paul"


def test_forwarding_to_an_outsider_is_refused() -> None:
    state = chain()
    result = refused(state, ask("priya", Decision.FORWARD, forward_to="zoe"))
    assert result.rule == "invalid_forward"
    assert "tom, paul" in result.message


def test_forwarding_to_nobody_is_refused() -> None:
    assert rule(chain(), ask("priya", Decision.FORWARD)) == "invalid_forward"


def test_forwarding_to_oneself_is_refused() -> None:
    assert rule(chain(), ask("priya", Decision.FORWARD, forward_to="priya")) == "invalid_forward"


def test_forwarding_to_someone_who_approved_another_tier_is_refused() -> None:
    state = chain(cost_center_owner_tier(), leadership_tier(fallback=("priya", "sam")))
    accepted(state, ask("priya"))
    result = refused(state, ask("tom", Decision.FORWARD, forward_to="priya"))
    assert result.rule == "invalid_forward"
    assert result.message == "tier 'IT leadership' can be forwarded to: sam, paul"


def test_forwarding_to_an_earlier_tiers_approver_is_fine_when_policy_allows_it() -> None:
    state = chain(
        cost_center_owner_tier(),
        leadership_tier(fallback=("priya", "sam")),
        allow_same_approver=True,
    )
    accepted(state, ask("priya"))
    assert rule(state, ask("tom", Decision.FORWARD, forward_to="priya")) is None


def test_with_no_candidate_left_the_refusal_says_nobody() -> None:
    state = chain(Tier("solo", [Branch("solo", ["priya"])]))
    assert refused(state, ask("priya", Decision.FORWARD, forward_to="tom")).message == (
        "tier 'solo' can be forwarded to: nobody"
    )


def test_an_all_of_approval_cannot_be_forwarded_to_someone_who_already_approved_it() -> None:
    state = chain(risk_tier(legal=("nora", "omar"), legal_mode=ApproverMode.ALL_OF))
    accepted(state, ask("omar", branch="legal"))
    assert rule(state, ask("nora", Decision.FORWARD, forward_to="omar")) == "invalid_forward"


# -- extending a deadline -----------------------------------------------------------------------


def test_a_deadline_may_be_extended_only_once() -> None:
    state = chain()
    request = ask("priya", Decision.EXTEND_DEADLINE, comment="waiting for a quote")
    accepted(state, request)
    result = refused(state, request)
    assert result.rule == "already_extended"


def test_a_deadline_may_be_extended_by_at_most_its_own_length() -> None:
    state = chain()
    limit = current_branch(state).deadline_minutes

    def extend(minutes: int) -> str | None:
        return rule(
            state,
            ask("priya", Decision.EXTEND_DEADLINE, comment="quote", extend_minutes=minutes),
        )

    assert extend(limit) is None
    assert extend(1) is None
    assert extend(limit + 1) == "invalid_extension"
    assert extend(-60) == "invalid_extension"
    assert (
        str(limit)
        in refused(
            state, ask("priya", Decision.EXTEND_DEADLINE, comment="q", extend_minutes=limit + 1)
        ).message
    )


# -- delegation ---------------------------------------------------------------------------------


def test_a_delegate_in_window_and_scope_may_decide_for_the_delegator() -> None:
    state = chain()
    grant = delegation("priya", "dave", cost_centers=(COST_CENTER, "IT-OPS"), max_amount=AMOUNT)
    request = ask("dave", delegation=grant)
    assert request.principal == "priya"
    assert rule(state, request) is None
    accepted(state, request)
    record = state.decisions[-1]
    assert (record.actor, record.on_behalf_of) == ("dave", "priya")


def test_a_delegation_without_limits_covers_any_cost_center_and_amount() -> None:
    grant = delegation("priya", "dave")
    assert grant.covers("FIN-OPS", 10**12, NOW)


@pytest.mark.parametrize(
    "grant",
    [
        pytest.param(delegation("priya", "dave", ends=NOW), id="expired (end is exclusive)"),
        pytest.param(
            delegation("priya", "dave", ends=NOW - timedelta(hours=1)), id="expired yesterday"
        ),
        pytest.param(
            delegation("priya", "dave", starts=NOW + timedelta(minutes=1)), id="not started"
        ),
        pytest.param(delegation("priya", "dave", cost_centers=("FIN-OPS",)), id="other cc"),
        pytest.param(delegation("priya", "dave", max_amount=AMOUNT - 1), id="over amount"),
    ],
)
def test_a_delegation_outside_its_window_or_scope_is_not_valid(grant: Delegation) -> None:
    state = chain()
    result = refused(state, ask("dave", delegation=grant))
    assert result.rule == "delegation_not_valid"
    assert result.message.startswith("dave holds no delegation from priya")


def test_a_delegation_starting_now_is_valid() -> None:
    assert rule(chain(), ask("dave", delegation=delegation("priya", "dave", starts=NOW))) is None


def test_someone_else_cannot_use_a_delegation_granted_to_the_delegate() -> None:
    state = chain()
    result = refused(state, ask("erin", delegation=delegation("priya", "dave")))
    assert result.rule == "delegation_not_valid"
    assert "erin" in result.message


def test_a_delegation_from_someone_not_on_the_tier_is_not_entitled() -> None:
    state = chain()
    result = refused(state, ask("dave", delegation=delegation("nora", "dave")))
    assert result.rule == "not_entitled"
    assert result.message.startswith("nora may not decide")


def test_an_invalid_delegation_is_reported_before_self_approval() -> None:
    state = chain()
    request = ask(REQUESTER, delegation=delegation("priya", REQUESTER, ends=NOW))
    assert rule(state, request) == "delegation_not_valid"


def test_a_delegate_cannot_forward_to_the_delegator() -> None:
    state = chain()
    request = ask(
        "dave", Decision.FORWARD, forward_to="priya", delegation=delegation("priya", "dave")
    )
    assert rule(state, request) == "invalid_forward"
    assert (
        rule(
            state,
            ask("dave", Decision.FORWARD, forward_to="tom", delegation=delegation("priya", "dave")),
        )
        is None
    )
