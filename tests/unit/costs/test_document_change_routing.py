"""Who reviews a change to a governed cost document: the approval policy's
``cost_document_changes`` tiers (one tier of finance, FinOps as fallback, when it says nothing),
every tier always, never the author; and the review's decision rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from cli.demo_data import POLICY_DOCUMENT
from domain.catalog import Decision, Role
from domain.costs.document_review import (
    DocumentReviewView,
    ReviewStatus,
    review_refusal,
    review_tiers_state,
)
from domain.entitlement import DecisionRequest
from domain.policy_document import PolicyError, build_policy
from domain.routing import RoutingError, RoutingFacts, route_change
from models.purchase_orders.policy_schema import parse_policy

NOW = datetime(2027, 1, 4, 9, tzinfo=UTC)
FACTS = RoutingFacts(
    amount_base_minor=0,
    over_budget=False,
    new_vendor=False,
    cost_center_owner="",
    manager_chain=("tom",),
    role_members={
        Role.FINANCE.value: ("felix", "fiona"),
        Role.FINOPS.value: ("fran",),
        Role.ADMIN.value: ("maria",),
        Role.PROCUREMENT.value: ("paul",),
    },
)
TWO_TIERS = {
    "tiers": [
        {"name": "finance", "approvers": {"role": "finance"}},
        {"name": "admin", "approvers": {"role": "admin"}, "deadline_hours": 24},
    ]
}


def test_without_a_section_finance_reviews_and_finops_is_the_fallback() -> None:
    policy = build_policy("it", 1, POLICY_DOCUMENT)
    [tier] = route_change(policy.cost_document_tiers, "fiona", FACTS)
    [branch] = tier.branches
    assert (tier.name, branch.eligible, branch.fallback) == ("finance", ["felix"], ["fran"])


def test_the_policy_names_the_tiers_and_the_author_is_never_among_them() -> None:
    document = {**POLICY_DOCUMENT, "cost_document_changes": TWO_TIERS}
    tiers = route_change(parse_policy("it", 2, document).cost_document_tiers, "maria", FACTS)
    assert [t.name for t in tiers] == ["finance", "admin"]
    # the admin tier's only holder wrote the change: it falls to procurement
    assert tiers[1].branches[0].eligible == ["paul"]
    assert tiers[1].branches[0].deadline_minutes == 24 * 60


def _only(author: str, **roles: tuple[str, ...]) -> RoutingFacts:
    return replace(FACTS, manager_chain=(), role_members={Role.FINANCE.value: (author,), **roles})


def test_with_nobody_but_the_author_in_the_tiers_the_admins_review_as_the_last_resort() -> None:
    policy = build_policy("it", 1, POLICY_DOCUMENT)
    facts = _only("fiona", admin=("maria", "fiona"))
    [tier] = route_change(policy.cost_document_tiers, "fiona", facts)
    [branch] = tier.branches
    assert (branch.eligible, branch.escalation_pool) == (["maria"], ["maria"])


def test_a_change_nobody_but_its_author_may_review_is_not_routed() -> None:
    policy = build_policy("it", 1, POLICY_DOCUMENT)
    with pytest.raises(RoutingError, match="nobody but 'fiona'"):
        route_change(policy.cost_document_tiers, "fiona", _only("fiona", admin=("fiona",)))


def test_a_condition_on_a_document_tier_is_refused() -> None:
    tier = {"name": "finance", "approvers": {"role": "finance"}, "when": [{"emergency": True}]}
    document = {**POLICY_DOCUMENT, "cost_document_changes": {"tiers": [tier]}}
    with pytest.raises(PolicyError, match=r"cost_document_changes.tiers\[0\].when"):
        build_policy("it", 3, document)


def _waiting_review(author: str) -> DocumentReviewView:
    policy = build_policy("it", 1, POLICY_DOCUMENT)
    view = DocumentReviewView("rate_card", 3, author, ReviewStatus.WAITING)
    # the author made eligible by hand: the review refuses them even so
    tiers = route_change(policy.cost_document_tiers, "nobody", FACTS)
    view.approval = review_tiers_state(author, tiers)
    return view


@pytest.mark.parametrize(
    ("actor", "action", "comment", "rule"),
    [
        ("fiona", Decision.APPROVE, "", "author_may_not_decide"),
        ("felix", Decision.FORWARD, "", "invalid_action"),
        ("maria", Decision.APPROVE, "", "not_entitled"),
        ("felix", Decision.REJECT, "", "comment_required"),
        ("felix", Decision.APPROVE, "", None),
    ],
)
def test_a_decision_on_a_review(
    actor: str, action: Decision, comment: str, rule: str | None
) -> None:
    view = _waiting_review("fiona")
    assert "fiona" in view.waiting_on()
    found = review_refusal(view, DecisionRequest(actor, action, comment), NOW)
    assert (found.rule if found else None) == rule
