"""What an accepted decision, a deadline and a pause do to a purchase order's approval chain
(docs/purchase-order.md, step 4): approvals moving tiers on, rejection, forwarding,
extension, escalation."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.approval import Effect, apply_decision, escalate, pause_clocks, start_clock
from domain.catalog import Decision
from domain.chain import ApprovalState, Branch, Tier
from domain.entitlement import DecisionRequest, Delegation, refusal
from domain.policy import ApproverMode

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=50)
DEADLINE = 48 * 60


# -- builders ---------------------------------------------------------------------------------


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
