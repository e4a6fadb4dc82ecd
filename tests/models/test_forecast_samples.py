"""Forecasts and backtests of real daily cost series: the FOCUS 1.0 sample (September 2024) and
the AWS CUR sample (November 2023), read as a load reads them, amortised cost per service and
day. Figures are checked as properties of the data, the naive run rate's error by hand."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from domain.forecast_method import DAYS_PER_SEASON, ForecastMethod, daily_series
from models.forecasts.backtest import backtest, describe
from models.forecasts.series import forecast_series
from tests.builders.cost_files import AWS_CUR_SAMPLE, DATA, normalised

FOCUS_SAMPLE = DATA / "focus-sample-data" / "focus_sample.csv"
HORIZON = 30
ONE = Decimal(1)


def service_days(path: Path) -> dict[str, list[float]]:
    """Per service, its EffectiveCost per day in cents, from its first day to the file's last."""
    by_service: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for row in normalised(path):
        day = row.focus["ChargePeriodStart"].date()  # type: ignore[union-attr]
        cost = row.focus.get("EffectiveCost") or Decimal(0)
        by_service[str(row.focus["ServiceName"])][day] += float(Decimal(str(cost)) * 100)
    last = max(max(days) for days in by_service.values())
    return {name: daily_series(days, last) for name, days in by_service.items()}


@pytest.mark.parametrize(
    ("path", "service", "days"),
    [
        (FOCUS_SAMPLE, "Amazon Elastic Compute Cloud", 30),
        (AWS_CUR_SAMPLE, "Amazon Simple Storage Service", 14),
    ],
)
def test_a_service_with_two_weeks_or_more_gets_a_seasonal_forecast_and_its_backtest(
    path: Path, service: str, days: int
) -> None:
    history = service_days(path)[service]
    assert len(history) == days and sum(history) > 0
    result = forecast_series(history, HORIZON, DAYS_PER_SEASON)
    assert result.method is ForecastMethod.HOLT_WINTERS
    assert len(result.points_minor) == HORIZON and all(p >= 0 for p in result.points_minor)
    assert result.total_minor == sum(result.points_minor)
    assert result.band_low_minor <= result.total_minor <= result.band_high_minor

    tested = backtest(history, DAYS_PER_SEASON, daily=True)
    assert tested is not None and tested.held_out == 7
    fitted_on, held = history[:-7], history[-7:]
    naive = sum(fitted_on) / len(fitted_on)
    by_hand = [abs(a - naive) / a * 100 for a in held if a != 0]
    assert tested.run_rate_mape == pytest.approx(sum(by_hand) / len(by_hand))
    assert tested.model_mape is not None and tested.model_mape >= 0
    said = describe(tested, "day")
    assert said == (
        f"model MAPE {tested.model_mape:.1f} % vs run rate {tested.run_rate_mape:.1f} % over 7 days"
    )


def test_short_histories_fall_back_and_say_why() -> None:
    history = service_days(FOCUS_SAMPLE)["Amazon Elastic Compute Cloud"]
    trend = forecast_series(history[-10:], 5, DAYS_PER_SEASON)
    assert trend.method is ForecastMethod.HOLT
    assert "fewer than 14 periods (2 seasonal cycles), trend only" in trend.reason
    flat = forecast_series(history[-3:], 5, DAYS_PER_SEASON)
    assert flat.method is ForecastMethod.RUN_RATE
    average = sum(history[-3:]) / 3
    assert flat.points_minor == [int(Decimal(repr(average)).quantize(ONE, ROUND_HALF_UP))] * 5
    assert flat.band_low_minor <= flat.total_minor <= flat.band_high_minor
    assert backtest(history[-7:], DAYS_PER_SEASON, daily=True) is None
    assert describe(None, "day").startswith("no backtest: too little history")


def test_the_same_history_always_gives_the_same_forecast_and_band() -> None:
    history = service_days(AWS_CUR_SAMPLE)["Amazon Simple Storage Service"]
    assert forecast_series(history, HORIZON, 7) == forecast_series(history, HORIZON, 7)
