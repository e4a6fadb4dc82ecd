"""Deciding for someone else (docs/purchase-order.md, step 4): a delegation counts only inside
its window and scope, only for its delegate, and only for someone the tier waits on."""

from datetime import timedelta

import pytest

from domain.catalog import Decision
from domain.entitlement import Delegation
from tests.builders.approvals import AMOUNT, COST_CENTER, NOW, REQUESTER, chain
from tests.builders.decision_requests import accepted, ask, delegation, refused, rule

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
