"""Choosing a forecast's method by the history it has, and judging it on that history.

Pure functions over numbers: the series are spend per period (a month or a day) in minor
units, oldest first; the model that fits them lives outside the domain (models/forecasts)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

MONTHS_PER_SEASON = 12  # a year of months
DAYS_PER_SEASON = 7  # a week of days
MIN_TREND_POINTS = 4  # level, trend and damping need more points than a run rate does
DAILY_HOLDOUT = 7
MAX_MONTHLY_HOLDOUT = 3


class ForecastMethod(StrEnum):
    HOLT_WINTERS = "holt_winters"  # damped additive trend + additive seasonality
    HOLT = "holt"  # damped additive trend, no seasonality
    RUN_RATE = "run_rate"  # the average spend per period, projected flat


@dataclass(frozen=True)
class MethodChoice:
    method: ForecastMethod
    reason: str


def choose_method(points: int, season_length: int) -> MethodChoice:
    """The richest method ``points`` periods of history support, and why: seasonality needs two
    whole cycles to tell a season from a trend, a trend needs MIN_TREND_POINTS periods."""
    cycles = f"{2 * season_length} periods (2 seasonal cycles)"
    if points >= 2 * season_length:
        return MethodChoice(ForecastMethod.HOLT_WINTERS, f"{points} periods: at least {cycles}")
    if points >= MIN_TREND_POINTS:
        return MethodChoice(
            ForecastMethod.HOLT, f"{points} periods: fewer than {cycles}, trend only"
        )
    return MethodChoice(
        ForecastMethod.RUN_RATE,
        f"{points} periods: fewer than {MIN_TREND_POINTS} to fit a trend, run rate",
    )


def holdout_periods(points: int, *, daily: bool) -> int:
    """How many of the last periods a backtest holds out: a week of a daily series, else
    min(3, points // 4) months. 0 when the rest would leave nothing to fit on."""
    held = DAILY_HOLDOUT if daily else min(MAX_MONTHLY_HOLDOUT, points // 4)
    return held if points - held >= 1 else 0


def run_rate_projection(history: Sequence[float], horizon: int) -> list[float]:
    """The naive forecast: the average of ``history`` for each of ``horizon`` periods (nothing
    when there is no history)."""
    if not history:
        return [0.0] * horizon
    average = sum(history) / len(history)
    return [average] * horizon


def mape(actual: Sequence[float], predicted: Sequence[float]) -> float | None:
    """Mean absolute percentage error in percent over the periods with a non-zero actual (a
    percentage of nothing is undefined); None when every actual is zero."""
    if len(actual) != len(predicted):
        raise ValueError("actual and predicted must cover the same periods")
    errors = [abs(a - p) / abs(a) for a, p in zip(actual, predicted, strict=True) if a != 0]
    if not errors:
        return None
    return 100 * sum(errors) / len(errors)


@dataclass(frozen=True)
class DatedAdjustment:
    """A planned change of spend in one fiscal period (a project ramp, a known renewal)."""

    fiscal_year: int
    period: int
    amount_minor: int


def adjustments_ahead(
    adjustments: Iterable[DatedAdjustment], fiscal_year: int, elapsed: int
) -> int:
    """The sum of the adjustments dated in ``fiscal_year`` after its ``elapsed`` periods: those
    in periods already begun are in the actuals, or will not happen."""
    return sum(
        a.amount_minor for a in adjustments if a.fiscal_year == fiscal_year and a.period > elapsed
    )


def daily_series(amounts: Mapping[date, float], last: date) -> list[float]:
    """The amount of each day from the first in ``amounts`` to ``last``, oldest first, days
    without one as 0 (a day without cost is a day of zero spend, not a gap)."""
    if not amounts:
        return []
    first = min(amounts)
    return [amounts.get(first + timedelta(days=i), 0.0) for i in range((last - first).days + 1)]
