"""What forwarding and extending do to a purchase order's approval chain (docs/purchase-order.md,
step 4), and that a decision the rules would refuse is never applied."""

from datetime import timedelta

import pytest

from domain.approval import Effect, apply_decision, escalate, start_clock
from domain.catalog import Decision
from domain.entitlement import DecisionRequest, refusal
from tests.builders.approvals import NOW
from tests.builders.decision_effects import (
    DEADLINE,
    all_of,
    branch_now,
    chain,
    decide,
    one_branch,
)

# -- forwarding ---------------------------------------------------------------------------------


def test_forwarding_an_any_of_tier_hands_it_over_entirely() -> None:
    state = chain()
    branch = branch_now(state)
    assert decide(state, "priya", Decision.FORWARD, forward_to="paul") is Effect.FORWARDED
    assert branch.eligible == ["paul"]
    assert branch.waiting_on() == ["paul"]
    assert state.decisions[-1].forward_to == "paul"
    assert decide(state, "paul") is Effect.TIER_APPROVED


def test_forwarding_an_escalated_any_of_tier_resets_its_escalation() -> None:
    state = chain()
    branch = branch_now(state)
    escalate(branch, NOW)
    escalate(branch, NOW)
    assert branch.waiting_on() == ["priya", "tom", "paul"]
    decide(state, "paul", Decision.FORWARD, forward_to="tom")
    assert branch.escalation_level == 0
    assert branch.waiting_on() == ["tom"]
    request = DecisionRequest("priya", Decision.APPROVE)
    refused = refusal(state, request, NOW)
    assert refused is not None
    assert refused.rule == "not_entitled"


def test_forwarding_in_an_all_of_branch_replaces_only_the_forwarder() -> None:
    state = one_branch(all_of(eligible=("lee", "sam")))
    branch = branch_now(state)
    decide(state, "sam")
    assert decide(state, "lee", Decision.FORWARD, forward_to="rita") is Effect.FORWARDED
    assert branch.eligible == ["rita", "sam"]
    assert branch.waiting_on() == ["rita"]
    assert decide(state, "rita") is Effect.CHAIN_APPROVED


def test_a_fallback_approver_forwarding_an_all_of_branch_entitles_the_target() -> None:
    state = one_branch(all_of())
    branch = branch_now(state)
    escalate(branch, NOW)
    decide(state, "rita", Decision.FORWARD, forward_to="paul")
    assert "paul" in branch.waiting_on()


def test_forwarding_an_all_of_approval_never_leaves_the_tier_approved_but_stuck() -> None:
    state = one_branch(all_of(eligible=("lee", "sam")))
    decide(state, "sam")
    request = DecisionRequest("lee", Decision.FORWARD, forward_to="sam")
    if refusal(state, request, NOW) is None:
        apply_decision(state, request, NOW)
    tier = state.tier_now()
    assert tier is not None
    assert not tier.approved or state.tier_index == 1


# -- extending ----------------------------------------------------------------------------------


def test_extending_moves_the_deadline_by_the_tiers_own_length_by_default() -> None:
    state = chain()
    branch = branch_now(state)
    start_clock(branch, NOW)
    effect = decide(state, "priya", Decision.EXTEND_DEADLINE, comment="awaiting quote")
    assert effect is Effect.EXTENDED
    assert branch.deadline_at == NOW + timedelta(minutes=2 * DEADLINE)
    assert branch.extended
    assert state.waiting


def test_extending_by_a_chosen_number_of_minutes() -> None:
    state = chain()
    branch = branch_now(state)
    start_clock(branch, NOW)
    decide(state, "priya", Decision.EXTEND_DEADLINE, comment="quote", extend_minutes=90)
    assert branch.deadline_at == NOW + timedelta(minutes=DEADLINE + 90)


def test_extending_a_tier_without_a_clock_counts_from_now() -> None:
    state = chain()
    branch = branch_now(state)
    decide(state, "priya", Decision.EXTEND_DEADLINE, comment="quote", extend_minutes=60)
    assert branch.deadline_at == NOW + timedelta(minutes=60)


# -- unaccepted decisions -----------------------------------------------------------------------


def test_applying_a_decision_from_someone_not_entitled_raises() -> None:
    state = chain()
    with pytest.raises(ValueError, match="validator accepted"):
        apply_decision(state, DecisionRequest("nora", Decision.APPROVE), NOW)
    assert state.decisions == []
    assert state.tier_index == 0


def test_applying_a_decision_to_a_po_not_waiting_raises() -> None:
    state = chain()
    state.waiting = False
    with pytest.raises(ValueError):
        apply_decision(state, DecisionRequest("priya", Decision.APPROVE), NOW)
    assert state.decisions == []
