"""Where a person stands on a PO now (what the PO page offers): the tier's waiting approvers
decide, for themselves or through a delegation covering the PO; anyone else reads why not."""

from datetime import timedelta

from domain.catalog import Decision
from domain.chain import DecisionRecord
from domain.entitlement import Delegation
from domain.standing import Standing, standing
from tests.builders.approvals import NOW, chain, cost_center_owner_tier, leadership_tier


def _from(delegator: str, delegate: str, max_amount_base_minor: int | None = None) -> Delegation:
    return Delegation(
        delegator,
        delegate,
        NOW - timedelta(days=1),
        NOW + timedelta(days=1),
        max_amount_base_minor=max_amount_base_minor,
    )


def test_the_waiting_approver_decides_for_themselves_and_nobody_else_is_offered_it() -> None:
    state = chain()
    assert standing(state, "priya", [], NOW) == Standing(for_myself=True)
    assert standing(state, "priya", [], NOW).only_choice == ""
    assert standing(state, "tom", [], NOW) == Standing(
        why_not="Waiting on priya (cost-center owner)."
    )
    assert standing(state, "alex", [], NOW).why_not == (
        "You requested this PO. Waiting on priya (cost-center owner)."
    )


def test_a_delegate_decides_on_behalf_of_a_waiting_delegator_within_the_delegation() -> None:
    state = chain()
    held = standing(state, "nora", [_from("priya", "nora"), _from("tom", "nora")], NOW)
    assert (held.for_myself, held.on_behalf_of, held.only_choice) == (False, ("priya",), "priya")
    too_small = standing(state, "nora", [_from("priya", "nora", 100)], NOW)
    assert not too_small.may_decide
    assert too_small.why_not == (
        "Your delegation from priya does not cover this PO. Waiting on priya (cost-center owner)."
    )


def test_one_who_could_decide_both_ways_has_no_choice_made_for_them() -> None:
    state = chain(cost_center_owner_tier(), leadership_tier(eligible=("tom", "lee")))
    state.tier_index = 1
    both = standing(state, "lee", [_from("tom", "lee")], NOW)
    assert (both.for_myself, both.on_behalf_of, both.only_choice) == (True, ("tom",), None)


def test_after_approving_a_tier_the_approver_reads_who_decides_next() -> None:
    state = chain(cost_center_owner_tier(), leadership_tier())
    state.tier_index = 1
    state.decisions = [
        DecisionRecord("cost-center owner", "cost-center owner", "priya", Decision.APPROVE, NOW)
    ]
    assert standing(state, "priya", [], NOW).why_not == (
        "You approved tier 1 (cost-center owner). Waiting on tom (IT leadership)."
    )
    state.waiting = False
    assert standing(state, "priya", [], NOW) == Standing()  # nothing waits: nothing to say
