"""What an accepted decision does to a purchase order's approval chain (docs/purchase-order.md,
step 4): approvals moving tiers on, the decision record, rejection and asking for information."""

from datetime import timedelta

from domain.approval import Effect, escalate
from domain.catalog import Decision
from domain.chain import Branch, Tier
from domain.entitlement import DecisionRequest, Delegation, refusal
from domain.policy import ApproverMode
from tests.builders.approvals import NOW
from tests.builders.decision_effects import (
    all_of,
    branch_now,
    chain,
    decide,
    one_branch,
)

# -- approving ----------------------------------------------------------------------------------


def test_approvals_walk_the_chain_tier_by_tier_until_it_is_approved() -> None:
    state = chain(security=("lee", "sam"), security_mode=ApproverMode.ALL_OF)
    effects: list[tuple[Effect, int, bool]] = []
    for person in ("priya", "tom", "lee", "sam", "nora"):
        effects.append((decide(state, person), state.tier_index, state.waiting))
    assert effects == [
        (Effect.TIER_APPROVED, 1, True),
        (Effect.TIER_APPROVED, 2, True),
        (Effect.APPROVAL_RECORDED, 2, True),
        (Effect.BRANCH_APPROVED, 2, True),
        (Effect.CHAIN_APPROVED, 3, False),
    ]
    assert state.tier_now() is None


def test_a_parallel_tier_waits_for_every_branch() -> None:
    state = chain()
    decide(state, "priya")
    decide(state, "tom")
    assert decide(state, "nora") is Effect.BRANCH_APPROVED
    assert state.tier_index == 2
    assert state.waiting
    assert decide(state, "lee") is Effect.CHAIN_APPROVED
    assert not state.waiting


def test_any_of_needs_one_approval() -> None:
    state = one_branch(Branch("leadership", ["tom", "sam"]))
    assert decide(state, "sam") is Effect.CHAIN_APPROVED


def test_all_of_needs_every_eligible_approver() -> None:
    state = one_branch(all_of(eligible=("lee", "sam", "omar")))
    assert decide(state, "omar") is Effect.APPROVAL_RECORDED
    assert decide(state, "lee") is Effect.APPROVAL_RECORDED
    assert branch_now(state).waiting_on() == ["sam"]
    assert decide(state, "sam") is Effect.CHAIN_APPROVED


def test_an_escalated_all_of_branch_is_approved_by_its_fallback_alone() -> None:
    state = one_branch(all_of())
    assert escalate(branch_now(state), NOW) == ["rita"]
    assert decide(state, "rita") is Effect.CHAIN_APPROVED


def test_escalating_a_partly_approved_all_of_branch_does_not_approve_it() -> None:
    state = one_branch(all_of())
    decide(state, "lee")
    escalate(branch_now(state), NOW)
    assert not branch_now(state).approved


def test_an_approved_any_of_branch_waits_on_nobody() -> None:
    state = chain(
        Tier("risk review", [Branch("security", ["lee", "sam"]), Branch("legal", ["nora"])])
    )
    decide(state, "lee")
    assert branch_now(state).waiting_on() == []
    request = DecisionRequest("sam", Decision.REJECT, comment="too late")
    assert refusal(state, request, NOW) is not None


def test_the_decision_record_keeps_who_acted_for_whom_and_why() -> None:
    state = chain()
    grant = Delegation("priya", "dave", NOW - timedelta(days=1), NOW + timedelta(days=1))
    decide(state, "dave", comment="approved while priya is away", delegation=grant)
    record = state.decisions[-1]
    assert record.tier == "cost-center owner"
    assert record.branch == "cost-center owner"
    assert record.actor == "dave"
    assert record.on_behalf_of == "priya"
    assert record.comment == "approved while priya is away"
    assert record.action is Decision.APPROVE
    assert record.at == NOW
    assert state.tiers[0].branches[0].approvals == ["priya"]


def test_a_decision_without_delegation_has_nobody_on_behalf_of() -> None:
    state = chain()
    decide(state, "priya")
    assert state.decisions[-1].on_behalf_of is None
    assert state.decisions[-1].actor == "priya"


# -- rejecting, asking --------------------------------------------------------------------------


def test_a_rejection_stops_the_chain() -> None:
    state = chain()
    decide(state, "priya")
    assert decide(state, "tom", Decision.REJECT, comment="no budget") is Effect.REJECTED
    assert not state.waiting
    assert state.tier_index == 1
    assert state.decisions[-1].comment == "no budget"


def test_a_rejection_in_one_parallel_branch_stops_the_chain() -> None:
    state = chain()
    decide(state, "priya")
    decide(state, "tom")
    decide(state, "lee")
    assert decide(state, "nora", Decision.REJECT, comment="DPA missing") is Effect.REJECTED
    assert not state.waiting


def test_asking_for_information_keeps_the_tier_waiting() -> None:
    state = chain()
    effect = decide(state, "priya", Decision.REQUEST_INFORMATION, comment="which rack?")
    assert effect is Effect.INFORMATION_REQUESTED
    assert state.waiting
    assert state.tier_index == 0
    assert branch_now(state).approvals == []
    assert state.decisions[-1].comment == "which rack?"
