"""A purchase order's approval deadlines (docs/purchase-order.md, step 4): the clock a tier starts,
escalation to the fallback then procurement, and pausing while the requester answers."""

from datetime import timedelta

from domain.approval import apply_decision, escalate, pause_clocks, start_clock
from domain.catalog import Decision
from domain.chain import Branch, Tier
from domain.entitlement import DecisionRequest
from tests.builders.approvals import NOW
from tests.builders.decision_effects import (
    DEADLINE,
    LATER,
    branch_now,
    chain,
    cost_center_owner_branch,
    decide,
)

# -- deadlines and escalation -------------------------------------------------------------------


def test_starting_the_clock_sets_the_deadline_from_now() -> None:
    branch = cost_center_owner_branch()
    start_clock(branch, NOW)
    assert branch.deadline_at == NOW + timedelta(minutes=DEADLINE)


def test_escalation_reaches_the_fallback_then_procurement_then_nobody() -> None:
    branch = cost_center_owner_branch()
    start_clock(branch, NOW)

    assert escalate(branch, LATER) == ["tom"]
    assert branch.escalation_level == 1
    assert branch.deadline_at == LATER + timedelta(minutes=DEADLINE)

    again = LATER + timedelta(days=3)
    assert escalate(branch, again) == ["paul"]
    assert branch.escalation_level == 2
    assert branch.deadline_at == again + timedelta(minutes=DEADLINE)

    assert escalate(branch, again + timedelta(days=3)) == []
    assert branch.deadline_at is None
    assert branch.entitled() == ["priya", "tom", "paul"]


def test_without_fallback_approvers_escalation_goes_straight_to_procurement() -> None:
    branch = Branch("IT leadership", ["tom"], escalation_pool=["paul", "pia"])
    start_clock(branch, NOW)
    assert escalate(branch, LATER) == ["paul", "pia"]
    assert branch.escalation_level == 2
    assert branch.deadline_at == LATER + timedelta(minutes=DEADLINE)


def test_escalation_skips_a_fallback_who_is_already_an_approver() -> None:
    branch = Branch("IT leadership", ["tom"], fallback=["tom"], escalation_pool=["paul"])
    assert escalate(branch, LATER) == ["paul"]
    assert branch.escalation_level == 2


def test_with_nobody_to_escalate_to_the_clock_stops() -> None:
    branch = Branch("IT leadership", ["tom"])
    start_clock(branch, NOW)
    assert escalate(branch, LATER) == []
    assert branch.deadline_at is None
    assert branch.entitled() == ["tom"]


# -- pausing ------------------------------------------------------------------------------------


def test_waiting_for_the_requester_pauses_only_the_current_tiers_clocks() -> None:
    state = chain()
    decide(state, "priya")
    decide(state, "tom")
    security, legal = state.tiers[2].branches
    assert security.deadline_at == legal.deadline_at  # the tier's clocks started together
    security.deadline_at = legal.deadline_at = NOW + timedelta(minutes=DEADLINE)
    earlier = state.tiers[0].branches[0]
    earlier.deadline_at = NOW
    later_tier = Tier("finance", [Branch("finance", ["fiona"], deadline_at=NOW)])
    state.tiers.append(later_tier)

    pause_clocks(state, timedelta(hours=5))

    assert security.deadline_at == NOW + timedelta(minutes=DEADLINE, hours=5)
    assert legal.deadline_at == NOW + timedelta(minutes=DEADLINE, hours=5)
    assert earlier.deadline_at == NOW
    assert later_tier.branches[0].deadline_at == NOW


def test_pausing_a_po_not_waiting_changes_nothing() -> None:
    state = chain()
    branch = branch_now(state)
    start_clock(branch, NOW)
    state.waiting = False
    pause_clocks(state, timedelta(hours=5))
    assert branch.deadline_at == NOW + timedelta(minutes=DEADLINE)


def test_approving_a_tier_starts_the_next_tiers_clock_at_that_moment() -> None:
    state = chain()
    later = NOW + timedelta(hours=30)
    assert state.tiers[1].branches[0].deadline_at is None
    apply_decision(state, DecisionRequest("priya", Decision.APPROVE), later)
    assert state.tiers[1].branches[0].deadline_at == later + timedelta(minutes=DEADLINE)
