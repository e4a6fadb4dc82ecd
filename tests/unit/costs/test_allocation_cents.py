"""Splitting cost into the currency's minor units (cents, yen, fils): the pieces always sum to
the whole rounded to the minor unit, each within one unit of its exact amount, credits included;
a pool's parts sum to the pool."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.costs.allocation import as_minor, in_minor, of_minor, split_minor
from domain.money import minor_digits

AMOUNTS = st.lists(
    st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1000"), places=7),
    min_size=1,
    max_size=30,
)


def test_the_left_over_cents_go_to_the_largest_remainders_then_the_earlier() -> None:
    amounts = [Decimal("15.007"), Decimal("3.505"), Decimal("7.777")]
    assert in_minor(amounts, "EUR") == [1501, 350, 778]
    assert in_minor([Decimal("0.005"), Decimal("0.005")], "EUR") == [1, 0]  # 0.01 half-even
    assert in_minor([Decimal("-0.004"), Decimal("0.009")], "EUR") == [-1, 1]  # a credit rounds down


def test_yen_have_no_minor_unit_and_dinars_three() -> None:
    assert in_minor([Decimal("1500.4"), Decimal("200.4"), Decimal("99.7")], "JPY") == [
        1500,
        200,
        100,
    ]
    assert in_minor([Decimal("1.0004"), Decimal("2.0004")], "BHD") == [1001, 2000]


def test_a_pool_is_split_by_its_weights_to_the_minor_unit() -> None:
    assert split_minor(1000, [Decimal(1)] * 3) == [334, 333, 333]
    assert split_minor(350, [Decimal(3), Decimal(1)]) == [263, 87]  # 262.5 and 87.5
    assert split_minor(-100, [Decimal(1), Decimal(2)]) == [-33, -67]


def test_a_pool_without_positive_weights_is_refused() -> None:
    with pytest.raises(ValueError, match="not negative"):
        split_minor(100, [Decimal(0)])
    with pytest.raises(ValueError, match="not negative"):
        split_minor(100, [Decimal(2), Decimal(-1)])


@given(AMOUNTS, st.sampled_from(("EUR", "JPY", "BHD")))
def test_pieces_sum_to_the_rounded_whole_each_within_a_unit(
    amounts: list[Decimal], currency: str
) -> None:
    units = in_minor(amounts, currency)
    digits = minor_digits(currency)
    whole = sum(amounts, Decimal(0)).scaleb(digits).quantize(Decimal(1), ROUND_HALF_EVEN)
    assert sum(units) == int(whole)
    assert all(abs(u - a.scaleb(digits)) < 1 for u, a in zip(units, amounts, strict=True))


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
    parts = split_minor(pool, weights)
    assert sum(parts) == pool
    assert all(part == 0 for part, weight in zip(parts, weights, strict=True) if weight == 0)


def test_lines_naming_no_currency_are_rounded_to_hundredths_apart() -> None:
    assert in_minor([Decimal("1.005"), Decimal("2.001")], "") == [101, 200]
    assert of_minor(101, "") == Decimal("1.01") and as_minor(Decimal("1.01"), "") == 101
    assert of_minor(1500, "JPY") == Decimal(1500) and as_minor(Decimal("1.234"), "BHD") == 1234
