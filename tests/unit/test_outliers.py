"""Outlier POs: a requisition scored against the POs bought before of its service type and
vendor (robust z-scores of log amount, unit price and service period), and the policy condition
``anomaly_score_at_least`` that sends a high score to a review tier."""

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest

from domain.catalog import Role
from domain.outliers import Purchase, check_purchase, review_tiers
from domain.policy_document import PolicyError
from domain.routing import RoutingFacts, route
from models.purchase_orders.policy_schema import POLICY_SCHEMA, parse_policy
from tests.builders.requisitions import requisition

PEERS = "Contoso Software software licence"
# Fourteen seat purchases at 70.00 to 90.00 EUR a seat, 5 to 18 seats, a year each.
PRICES = (7000, 7500, 7800, 7900, 8000, 8000, 8000, 8000, 8100, 8200, 8500, 9000, 7600, 8400)
HISTORY = [Purchase(price * (5 + i), price, 365) for i, price in enumerate(PRICES)]

DOCUMENT: dict[str, Any] = {
    "base_currency": "EUR",
    "tiers": [
        {"name": "owner", "approvers": {"cost_center_owner": True}},
        {
            "name": "outlier review",
            "approvers": {"role": "procurement"},
            "when": [{"anomaly_score_at_least": 4}],
        },
    ],
}
FACTS = RoutingFacts(
    amount_base_minor=100_000,
    over_budget=False,
    new_vendor=False,
    cost_center_owner="sam",
    manager_chain=("sam",),
    role_members={Role.PROCUREMENT.value: ("paula",)},
)


def test_a_unit_price_far_above_its_history_scores_and_names_the_figures() -> None:
    check = check_purchase(Purchase(125_000, 125_000, 365), HISTORY, "EUR", PEERS)
    # The MAD (1.4826 x 2.00 EUR) is under 5 % of the median, so one unit is 4.00 EUR.
    assert check.score == 292
    assert check.reason == (
        "unit price 1,250.00 EUR is 292.5 MADs above the median 80.00 EUR "
        "of 14 Contoso Software software licence POs"
    )


def test_a_purchase_like_its_history_scores_low() -> None:
    check = check_purchase(Purchase(8200 * 10, 8200, 365), HISTORY, "EUR", PEERS)
    assert check.score is not None and check.score < 2


def test_a_much_larger_order_at_the_usual_price_is_an_outlier_by_its_amount() -> None:
    check = check_purchase(Purchase(8000 * 2000, 8000, 365), HISTORY, "EUR", PEERS)
    assert check.score is not None and check.score >= 4
    assert check.reason.startswith("amount 160,000.00 EUR is ")
    assert "above the median" in check.reason


def test_a_service_period_far_shorter_than_usual_is_an_outlier_by_its_period() -> None:
    check = check_purchase(Purchase(8000 * 10, 8000, 3), HISTORY, "EUR", PEERS)
    assert check.score is not None and check.score >= 4
    assert check.reason.startswith("service period 3 days is ")
    assert "below the median 365 days" in check.reason


def test_too_little_history_gives_no_score_and_says_so() -> None:
    check = check_purchase(Purchase(125_000, 125_000, 365), HISTORY[:4], "EUR", PEERS)
    assert check.score is None
    assert "4 earlier" in check.reason and "5 are needed" in check.reason


def test_a_small_change_against_one_repeated_price_is_not_an_outlier() -> None:
    same = [Purchase(8000, 8000, 365)] * 6
    assert check_purchase(Purchase(8080, 8080, 365), same, "EUR", PEERS).score == 0
    assert (check_purchase(Purchase(16_000, 16_000, 365), same, "EUR", PEERS).score or 0) >= 4


def test_a_two_day_engagement_among_one_day_ones_is_no_outlier() -> None:
    days = [Purchase(135_000, 135_000, 1)] * 6
    assert check_purchase(Purchase(270_000, 135_000, 2), days, "EUR", PEERS).score == 1
    assert check_purchase(Purchase(135_000 * 20, 135_000, 20), days, "EUR", PEERS).score == 4


def test_the_unit_price_is_the_amount_over_every_lines_quantity() -> None:
    start = date(2027, 1, 1)
    assert Purchase.of(10_001, 2, start, start + timedelta(days=29)) == Purchase(10_001, 5000, 30)


def _tiers(score: int | None) -> list[str]:
    policy = parse_policy("outliers", 1, DOCUMENT)
    facts = replace(FACTS, anomaly_score=score, anomaly_reason="why")
    return [tier.name for tier in route(requisition(), policy, facts)]


def test_a_score_at_the_threshold_adds_the_review_tier_and_no_score_never_does() -> None:
    assert _tiers(4) == ["owner", "outlier review"]
    assert _tiers(9) == ["owner", "outlier review"]
    assert _tiers(3) == ["owner"]
    assert _tiers(None) == ["owner"]


def test_the_review_tiers_of_a_chain_are_those_its_score_reached() -> None:
    policy = parse_policy("outliers", 1, DOCUMENT)
    assert review_tiers(policy, ["owner", "outlier review"], 5) == ["outlier review"]
    assert review_tiers(policy, ["owner"], 5) == []
    assert review_tiers(policy, ["owner", "outlier review"], None) == []


@pytest.mark.parametrize("wrong", [0, -1, 2.5, "4"])
def test_the_schema_takes_a_whole_score_of_at_least_one_only(wrong: object) -> None:
    validator = jsonschema.Draft202012Validator(POLICY_SCHEMA)
    assert list(validator.iter_errors(DOCUMENT)) == []
    tier = {**DOCUMENT["tiers"][1], "when": [{"anomaly_score_at_least": wrong}]}
    assert list(validator.iter_errors({**DOCUMENT, "tiers": [tier]})) != []


def test_a_fractional_threshold_is_refused_by_the_policy_document() -> None:
    tier = {**DOCUMENT["tiers"][1], "when": [{"anomaly_score_at_least": 4.5}]}
    with pytest.raises(PolicyError):
        parse_policy("outliers", 2, {**DOCUMENT, "tiers": [tier]})
