"""Choosing a forecast's method by its history, the backtest's hold-out, MAPE, the naive run rate,
dated adjustments ahead and daily series: the pure rules behind every forecast."""

from __future__ import annotations

from datetime import date

import pytest

from domain.forecast_method import (
    DatedAdjustment,
    ForecastMethod,
    adjustments_ahead,
    choose_method,
    daily_series,
    holdout_periods,
    mape,
    run_rate_projection,
)


@pytest.mark.parametrize(
    ("points", "season", "method", "said"),
    [
        (24, 12, ForecastMethod.HOLT_WINTERS, "at least 24 periods (2 seasonal cycles)"),
        (23, 12, ForecastMethod.HOLT, "fewer than 24 periods (2 seasonal cycles), trend only"),
        (4, 12, ForecastMethod.HOLT, "trend only"),
        (3, 12, ForecastMethod.RUN_RATE, "fewer than 4 to fit a trend, run rate"),
        (0, 12, ForecastMethod.RUN_RATE, "0 periods"),
        (14, 7, ForecastMethod.HOLT_WINTERS, "at least 14 periods"),
        (13, 7, ForecastMethod.HOLT, "fewer than 14 periods"),
    ],
)
def test_the_method_is_the_richest_the_history_supports_and_says_why(
    points: int, season: int, method: ForecastMethod, said: str
) -> None:
    choice = choose_method(points, season)
    assert choice.method is method
    assert said in choice.reason


def test_a_backtest_holds_out_a_week_of_days_or_up_to_three_months() -> None:
    assert holdout_periods(30, daily=True) == 7
    assert holdout_periods(7, daily=True) == 0  # nothing would be left to fit on
    assert holdout_periods(30, daily=False) == 3
    assert holdout_periods(9, daily=False) == 2
    assert holdout_periods(3, daily=False) == 0


def test_mape_skips_zero_actuals_and_is_none_without_any() -> None:
    assert mape([100, 200, 0], [110, 150, 40]) == pytest.approx((10 + 25) / 2)
    assert mape([0, 0], [5, 5]) is None
    with pytest.raises(ValueError, match="same periods"):
        mape([1, 2], [1])


def test_the_naive_forecast_repeats_the_average() -> None:
    assert run_rate_projection([30, 60, 40], 2) == pytest.approx([130 / 3, 130 / 3])
    assert run_rate_projection([], 3) == [0.0, 0.0, 0.0]


def test_only_adjustments_in_periods_still_ahead_count() -> None:
    planned = [
        DatedAdjustment(2026, 3, 500),  # begun: in the actuals or not happening
        DatedAdjustment(2026, 4, 1_000),
        DatedAdjustment(2026, 12, -200),
        DatedAdjustment(2027, 1, 9_999),  # another year
    ]
    assert adjustments_ahead(planned, 2026, elapsed=3) == 800
    assert adjustments_ahead(planned, 2026, elapsed=12) == 0


def test_a_daily_series_fills_days_without_cost_with_zero() -> None:
    amounts = {date(2024, 9, 2): 5.0, date(2024, 9, 4): 7.5}
    assert daily_series(amounts, date(2024, 9, 6)) == [5.0, 0.0, 7.5, 0.0, 0.0]
    assert daily_series({}, date(2024, 9, 6)) == []
