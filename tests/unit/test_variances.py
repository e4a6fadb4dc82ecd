"""Which budget lines of a period breach the policy's variance thresholds, the policy section that
sets them, and the rules an explanation and a review pass."""

from __future__ import annotations

import pytest

from domain.policy_document import PolicyError
from domain.variance_investigation import (
    Explanation,
    HistoryEntry,
    VarianceReview,
    VarianceStart,
    VarianceStatus,
    VarianceView,
    explain_refusal,
    review_refusal,
    valid_period,
)
from domain.variances import (
    Against,
    Direction,
    LineFigures,
    VarianceRule,
    breaching_lines,
    line_variance,
    period_share,
)
from models.purchase_orders.policy_schema import parse_policy

RULE = VarianceRule(10, 100_000, direction=Direction.EITHER)


def line(budget: int, actual: int, forecast: int | None = None) -> LineFigures:
    return LineFigures("IT-INFRA", "6100", budget, actual, forecast)


def test_a_line_over_both_thresholds_breaches_and_says_by_how_much() -> None:
    found = line_variance(line(1_000_000, 1_150_000), RULE)
    assert found is not None
    assert found.breached == (Against.BUDGET,) and found.budget_variance_minor == 150_000


def test_a_line_under_budget_by_as_much_breaches_too() -> None:
    found = line_variance(line(1_000_000, 800_000), RULE)
    assert found is not None and found.budget_variance_minor == -200_000


@pytest.mark.parametrize(
    ("budget", "actual"),
    [
        (10_000_000, 10_500_000),  # 500.00 over is 5 %: below the percent
        (500_000, 580_000),  # 16 % but 800.00: below the amount
        (1_000_000, 1_000_000),
    ],
)
def test_a_line_below_either_threshold_does_not_breach(budget: int, actual: int) -> None:
    assert line_variance(line(budget, actual), RULE) is None


def test_a_rule_for_overspending_passes_an_underrun_and_one_for_underrunning_an_overrun() -> None:
    over, under = VarianceRule(direction=Direction.OVER), VarianceRule(direction=Direction.UNDER)
    assert line_variance(line(1_000_000, 0), over) is None
    assert line_variance(line(1_000_000, 2_000_000), over) is not None
    assert line_variance(line(1_000_000, 2_000_000), under) is None
    assert line_variance(line(1_000_000, 0), under) is not None


def test_exactly_at_both_thresholds_breaches() -> None:
    assert line_variance(line(1_000_000, 1_100_000), RULE) is not None


def test_spend_on_a_line_without_budget_breaches_once_over_the_amount() -> None:
    assert line_variance(line(0, 100_000), RULE) is not None
    assert line_variance(line(0, 99_999), RULE) is None


def test_against_the_forecast_holds_the_actual_to_the_forecast_only() -> None:
    rule = VarianceRule(against=Against.FORECAST)
    on_budget_far_from_forecast = line(1_000_000, 1_000_000, 700_000)
    found = line_variance(on_budget_far_from_forecast, rule)
    assert found is not None and found.breached == (Against.FORECAST,)
    assert found.forecast_variance_minor == 300_000
    assert line_variance(line(1_000_000, 2_000_000, 2_000_000), rule) is None
    assert line_variance(line(1_000_000, 2_000_000), rule) is None  # no forecast: held to none


def test_against_both_names_each_figure_breached() -> None:
    rule = VarianceRule(against=Against.BOTH)
    found = line_variance(line(1_000_000, 1_500_000, 1_200_000), rule)
    assert found is not None and found.breached == (Against.BUDGET, Against.FORECAST)
    found = line_variance(line(1_000_000, 1_500_000, 1_450_000), rule)
    assert found is not None and found.breached == (Against.BUDGET,)


def test_breaching_lines_keeps_only_those_that_breach_in_order() -> None:
    lines = [line(1_000_000, 2_000_000), line(1_000_000, 1_000_000), line(0, 300_000)]
    assert [found.figures for found in breaching_lines(lines, RULE)] == [lines[0], lines[2]]


def test_a_year_end_forecast_is_pro_rated_per_period_rounded_half_up() -> None:
    assert period_share(1_200_000) == 100_000
    assert period_share(18) == 2  # 1.5 rounds up
    assert period_share(17) == 1


POLICY = {"base_currency": "EUR", "tiers": [{"name": "t", "approvers": {"role": "finance"}}]}


def test_a_policy_without_the_section_takes_the_documented_defaults() -> None:
    rule = parse_policy("p", 1, POLICY).variance_investigation
    assert rule == VarianceRule(
        10, 100_000, Against.BUDGET, 5 * 24 * 60, 2 * 24 * 60, Direction.OVER
    )


def test_the_policy_section_sets_the_thresholds_and_the_clock() -> None:
    section = {
        "percent_at_least": 15,
        "amount_base_minor_at_least": 500_000,
        "against": "both",
        "deadline_minutes": 60,
        "reminder_minutes": 30,
        "direction": "over",
    }
    rule = parse_policy(
        "p", 1, {**POLICY, "variance_investigation": section}
    ).variance_investigation
    assert rule == VarianceRule(15, 500_000, Against.BOTH, 60, 30, Direction.OVER)


@pytest.mark.parametrize(
    ("section", "path"),
    [
        ({"against": "plan"}, "variance_investigation.against"),
        ({"percent_at_least": -1}, "variance_investigation.percent_at_least"),
        ({"threshold": 3}, "variance_investigation"),
    ],
)
def test_the_schema_refuses_a_bad_section_by_its_path(section: object, path: str) -> None:
    with pytest.raises(PolicyError, match=f"^{path}"):
        parse_policy("p", 1, {**POLICY, "variance_investigation": section})


START = VarianceStart("2026-11", "IT-INFRA", "6100", "EUR", 1_000_000, 1_500_000, None, ("budget",))


def view(
    status: VarianceStatus = VarianceStatus.OPEN, explainer: str | None = None
) -> VarianceView:
    history = (
        [HistoryEntry("2026-12-02T06:00:00+00:00", explainer, "explained")] if explainer else []
    )
    return VarianceView(START, "sam", status, ["sam"], history)


@pytest.mark.parametrize(
    ("explanation", "rule"),
    [
        (Explanation("sam", "weather", "storm"), "invalid_category"),
        (Explanation("sam", "price", "  "), "comment_required"),
        (Explanation("alex", "price", "new rates"), "not_entitled"),
        (Explanation("alex", "price", "new rates", for_owner="priya"), "not_entitled"),
    ],
)
def test_an_explanation_is_refused_naming_its_rule(explanation: Explanation, rule: str) -> None:
    refused = explain_refusal(view(), explanation)
    assert refused is not None and refused.rule == rule


def test_the_owner_or_their_delegate_may_explain_an_open_or_sent_back_variance() -> None:
    assert explain_refusal(view(), Explanation("sam", "one_off", "a licence true-up")) is None
    delegate = Explanation("alex", "timing", "invoice early", for_owner="sam")
    assert explain_refusal(view(VarianceStatus.SENT_BACK), delegate) is None
    refused = explain_refusal(view(VarianceStatus.EXPLAINED, "sam"), delegate)
    assert refused is not None and refused.rule == "not_waiting"


@pytest.mark.parametrize(
    ("review", "rule"),
    [
        (VarianceReview("fiona", "approve"), "invalid_action"),
        (VarianceReview("sam", "accept"), "explainer_may_not_review"),
        (VarianceReview("fiona", "send_back", ""), "comment_required"),
    ],
)
def test_a_review_is_refused_naming_its_rule(review: VarianceReview, rule: str) -> None:
    refused = review_refusal(view(VarianceStatus.EXPLAINED, "sam"), review)
    assert refused is not None and refused.rule == rule


def test_finance_reviews_only_an_explained_variance() -> None:
    assert (
        review_refusal(view(VarianceStatus.EXPLAINED, "sam"), VarianceReview("fiona", "accept"))
        is None
    )
    refused = review_refusal(view(), VarianceReview("fiona", "accept"))
    assert refused is not None and refused.rule == "not_waiting"


@pytest.mark.parametrize(
    ("period", "valid"),
    [("2026-11", True), ("2026-13", False), ("26-11", False), ("2026-1", False)],
)
def test_a_period_is_a_calendar_month(period: str, valid: bool) -> None:
    assert valid_period(period) is valid
