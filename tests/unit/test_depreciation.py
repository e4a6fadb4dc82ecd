"""Depreciation schedules: every month's charge is within a minor unit of the exact charge,
the schedule sums to cost minus salvage whatever the life and the method, and terms that make
no schedule are refused by name."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.depreciation import (
    AssetTerms,
    DepreciationMethod,
    ScheduleError,
    schedule,
)

METHODS = st.sampled_from(list(DepreciationMethod))


def test_straight_line_spreads_the_odd_cent_without_drift() -> None:
    terms = AssetTerms(100_000, 1_000, 7, DepreciationMethod.STRAIGHT_LINE, date(2024, 3, 15))
    charges = schedule(terms)
    assert [c.charge_minor for c in charges] == [14143, 14143, 14143, 14142, 14143, 14143, 14143]
    assert (charges[0].month, charges[-1].month) == (date(2024, 3, 1), date(2024, 9, 1))
    assert charges[-1].book_value_minor == 1_000


def test_declining_balance_charges_double_the_rate_then_switches_to_straight_line() -> None:
    terms = AssetTerms(120_000, 0, 12, DepreciationMethod.DECLINING_BALANCE, date(2024, 11, 1))
    charges = [c.charge_minor for c in schedule(terms)]
    assert charges[:2] == [20_000, 16_667]  # 1/6 of the book value each month
    assert charges[0] > charges[5] and charges[-1] == charges[-2]  # straight-line at the end
    assert schedule(terms)[2].month == date(2025, 1, 1)


@given(
    cost=st.integers(0, 10**12),
    salvage_share=st.fractions(0, 1),
    life=st.integers(1, 240),
    method=METHODS,
)
def test_a_schedule_sums_exactly_to_cost_minus_salvage(
    cost: int, salvage_share: object, life: int, method: DepreciationMethod
) -> None:
    salvage = int(cost * salvage_share)  # type: ignore[operator]
    charges = schedule(AssetTerms(cost, salvage, life, method, date(2024, 1, 31)))
    assert len(charges) == life
    assert sum(c.charge_minor for c in charges) == cost - salvage
    assert all(c.charge_minor >= 0 for c in charges)
    assert charges[-1].book_value_minor == salvage


@pytest.mark.parametrize(
    ("cost", "salvage", "life", "rule"),
    [(-1, 0, 12, "negative_cost"), (100, 101, 12, "invalid_salvage"), (100, 0, 0, "invalid_life")],
)
def test_terms_that_make_no_schedule_are_refused(
    cost: int, salvage: int, life: int, rule: str
) -> None:
    terms = AssetTerms(cost, salvage, life, DepreciationMethod.STRAIGHT_LINE, date(2024, 1, 1))
    with pytest.raises(ScheduleError) as refused:
        schedule(terms)
    assert refused.value.rule == rule
