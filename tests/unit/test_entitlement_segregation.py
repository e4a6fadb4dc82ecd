"""Segregation of duties on a purchase order's approval (docs/purchase-order.md, step 4): nobody
approves two tiers or two branches, themself or through a delegate, unless the policy allows it."""

from domain.approval import escalate
from domain.catalog import Decision
from domain.entitlement import approvers_elsewhere
from tests.builders.approvals import NOW, chain, cost_center_owner_tier, leadership_tier, risk_tier
from tests.builders.decision_requests import (
    accepted,
    ask,
    current_branch,
    delegation,
    refused,
    rule,
)

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
