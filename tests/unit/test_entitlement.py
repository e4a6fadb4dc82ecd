"""Who may decide a purchase order's approval now (docs/purchase-order.md, step 4): only while it
waits, never the requester, only the current tier's approvers, on the branch they sit on."""

from domain.approval import escalate
from domain.catalog import Decision
from domain.chain import Branch, Tier
from domain.entitlement import branch_for
from tests.builders.approvals import NOW, REQUESTER, chain, risk_tier
from tests.builders.decision_requests import (
    accepted,
    ask,
    current_branch,
    delegation,
    refused,
    rule,
)

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
