"""What a decision must carry (docs/purchase-order.md, step 4): a comment where one is needed,
a forward to an eligible approver, a deadline extended once and by at most its own length."""

import pytest

from domain.catalog import Decision
from domain.chain import Branch, Tier
from domain.entitlement import forward_candidates
from domain.policy import ApproverMode
from domain.wording import DECISION_WORDS
from tests.builders.approvals import (
    REQUESTER,
    chain,
    cost_center_owner_tier,
    leadership_tier,
    risk_tier,
)
from tests.builders.decision_requests import accepted, ask, current_branch, refused, rule

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
