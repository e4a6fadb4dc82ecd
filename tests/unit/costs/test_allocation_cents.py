"""Splitting cost into cents: the pieces always sum to the whole rounded to the cent, each
within a cent of its exact amount, credits included; a pool's parts sum to the pool."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.costs.allocation import in_cents, split_cents

AMOUNTS = st.lists(
    st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1000"), places=7),
    min_size=1,
    max_size=30,
)


def test_the_left_over_cents_go_to_the_largest_remainders_then_the_earlier() -> None:
    assert in_cents([Decimal("15.007"), Decimal("3.505"), Decimal("7.777")]) == [1501, 350, 778]
    assert in_cents([Decimal("0.005"), Decimal("0.005")]) == [1, 0]  # 0.01 rounds half-even to 0.01
    assert in_cents([Decimal("-0.004"), Decimal("0.009")]) == [-1, 1]  # a credit rounds down


def test_a_pool_is_split_by_its_weights_to_the_cent() -> None:
    assert split_cents(1000, [Decimal(1)] * 3) == [334, 333, 333]
    assert split_cents(350, [Decimal(3), Decimal(1)]) == [263, 87]  # 262.5 and 87.5
    assert split_cents(-100, [Decimal(1), Decimal(2)]) == [-33, -67]


def test_a_pool_without_positive_weights_is_refused() -> None:
    with pytest.raises(ValueError, match="not negative"):
        split_cents(100, [Decimal(0)])
    with pytest.raises(ValueError, match="not negative"):
        split_cents(100, [Decimal(2), Decimal(-1)])


@given(AMOUNTS)
def test_pieces_sum_to_the_rounded_whole_each_within_a_cent(amounts: list[Decimal]) -> None:
    cents = in_cents(amounts)
    whole = sum(amounts, Decimal(0)).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
    assert sum(cents) == int(whole * 100)
    assert all(abs(c - a * 100) < 1 for c, a in zip(cents, amounts, strict=True))


@given(
    st.integers(-(10**9), 10**9),
    st.lists(
        st.decimals(min_value=Decimal(0), max_value=Decimal(10**6), places=3),
        min_size=1,
        max_size=20,
    ),
)
def test_parts_sum_to_the_pool(pool: int, weights: list[Decimal]) -> None:
    if sum(weights) <= 0:
        return
    parts = split_cents(pool, weights)
    assert sum(parts) == pool
    assert all(part == 0 for part, weight in zip(parts, weights, strict=True) if weight == 0)
