"""The bench's figures: nearest-rank percentiles and min/median/max over repeats."""

import pytest

from bench.stats import Spread, percentile


def test_percentiles_are_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]  # 1..100
    assert percentile(samples, 50) == 50
    assert percentile(samples, 99) == 99
    assert percentile(samples, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0  # unsorted input


def test_no_samples_is_an_error() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 50)


def test_a_spread_over_repeats() -> None:
    assert Spread.of([3.0, 1.0, 2.0]).as_dict() == {"min": 1.0, "median": 2.0, "max": 3.0}
