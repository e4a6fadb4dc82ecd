"""Optimisation recommendations' rules: which resource is idle, what a finding is estimated to
save and realised, and which status moves are allowed with what they need."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.costs.recommendations import (
    IDLE_COST_FLOOR_MINOR,
    MoveRefused,
    RecommendationKind,
    RecommendationStatus,
    ResourceUsage,
    StatusChange,
    check_move,
    estimated_saving,
    is_idle,
    measured_saving,
)

OPEN, ACCEPTED = RecommendationStatus.OPEN, RecommendationStatus.ACCEPTED
DONE, DISMISSED = RecommendationStatus.DONE, RecommendationStatus.DISMISSED


@pytest.mark.parametrize(
    ("consumed", "priced", "cost", "idle"),
    [
        (Decimal("2"), Decimal("720"), 50_000, True),  # 2 of 720 hours used
        (None, Decimal("720"), 50_000, True),  # nothing consumed at all
        (Decimal("36"), Decimal("720"), 50_000, False),  # 5 %: in use
        (Decimal("0"), Decimal("720"), IDLE_COST_FLOOR_MINOR - 1, False),  # under the floor
        (Decimal("0"), None, 50_000, False),  # no quantities reported: not judged
    ],
)
def test_a_resource_is_idle_below_the_usage_share_at_or_above_the_cost_floor(
    consumed: Decimal | None, priced: Decimal | None, cost: int, idle: bool
) -> None:
    assert is_idle(ResourceUsage(consumed, priced, cost)) is idle


def test_the_estimated_saving_is_the_cost_except_for_a_missing_owner() -> None:
    assert estimated_saving(RecommendationKind.UNUSED_COMMITMENT, 150) == 150
    assert estimated_saving(RecommendationKind.IDLE_RESOURCE, 4_200) == 4_200
    assert estimated_saving(RecommendationKind.NO_OWNER, 4_200) is None


def test_the_realised_saving_is_the_drop_in_monthly_cost_never_negative() -> None:
    assert measured_saving(10_000, 2_500) == 7_500
    assert measured_saving(10_000, 12_000) == 0


def test_open_is_accepted_then_done_with_its_saving() -> None:
    check_move(OPEN, StatusChange(ACCEPTED))
    check_move(ACCEPTED, StatusChange(DONE, realised_saving_minor=900))
    check_move(OPEN, StatusChange(DISMISSED, reason="reserved for the year-end peak"))


@pytest.mark.parametrize(
    ("current", "change", "rule"),
    [
        (OPEN, StatusChange(DONE, realised_saving_minor=1), "invalid_transition"),
        (DONE, StatusChange(ACCEPTED), "invalid_transition"),
        (DISMISSED, StatusChange(ACCEPTED), "invalid_transition"),
        (ACCEPTED, StatusChange(ACCEPTED), "invalid_transition"),
        (OPEN, StatusChange(DISMISSED, reason="  "), "reason_required"),
        (ACCEPTED, StatusChange(DONE), "realised_saving_required"),
        (ACCEPTED, StatusChange(DONE, realised_saving_minor=-5), "invalid_amount"),
    ],
)
def test_moves_the_rules_refuse_name_their_rule(
    current: RecommendationStatus, change: StatusChange, rule: str
) -> None:
    with pytest.raises(MoveRefused) as refused:
        check_move(current, change)
    assert refused.value.rule == rule
