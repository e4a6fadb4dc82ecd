"""A series' forecast by exponential smoothing (statsmodels' Holt-Winters), with its 80 % band.

statsmodels computes in float; every figure handed back is integer minor units, rounded half
up here, explicitly. Spend does not go below zero, so neither does a forecast or its band."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from domain.forecast_method import ForecastMethod, choose_method, run_rate_projection

BAND_PERCENT = 80
SIMULATIONS = 1000
_SEED = 20_250_101  # fixed, so the same history always gives the same band
_Z80 = 1.2815515655446004  # the standard normal's 90th percentile


@dataclass(frozen=True)
class SeriesForecast:
    """``points`` per future period (each rounded to a minor unit) and their sum, with an 80 %
    band around it."""

    method: ForecastMethod
    reason: str
    points_minor: list[int]
    total_minor: int
    band_low_minor: int
    band_high_minor: int


@dataclass(frozen=True)
class FittedProjection:
    """A method's point forecasts, with what its band is drawn from."""

    method: ForecastMethod
    reason: str
    points: list[float]
    totals: list[float]  # simulated paths' totals; empty when they cannot be simulated
    residuals: list[float]  # the in-sample errors, for a band without simulation


def fitted_projection(
    history: Sequence[float], horizon: int, season_length: int
) -> FittedProjection:
    """The point forecasts of ``horizon`` periods after ``history`` by the method its length
    allows, with SIMULATIONS simulated totals of the fitted model when it has the degrees of
    freedom to estimate its error (a run rate has none)."""
    choice = choose_method(len(history), season_length)
    if choice.method is ForecastMethod.RUN_RATE or horizon == 0:
        flat = run_rate_projection(history, horizon)
        mean = flat[0] if flat else 0.0
        return FittedProjection(choice.method, choice.reason, flat, [], [h - mean for h in history])
    seasonal = choice.method is ForecastMethod.HOLT_WINTERS
    with warnings.catch_warnings():
        # a short or flat series converges loosely; the backtest says how good the fit is
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = _smoothing(history, season_length if seasonal else None)
        points = [float(x) for x in fit.forecast(horizon)]
        paths = fit.simulate(
            horizon, repetitions=SIMULATIONS, error="add", anchor="end", rng=_rng()
        )
    totals = np.asarray(paths).reshape(horizon, SIMULATIONS).sum(axis=0)
    simulated = [float(t) for t in totals] if np.isfinite(totals).all() else []
    residuals = [float(r) for r in fit.resid]
    return FittedProjection(choice.method, choice.reason, points, simulated, residuals)


def _smoothing(history: Sequence[float], season_length: int | None) -> Any:
    """statsmodels' exponential smoothing fitted: additive damped trend, additive seasonality
    when ``season_length`` is given. No brute-force grid of starting values: it costs seconds a
    line, and a report has many."""
    model = ExponentialSmoothing(
        np.asarray(history, dtype=float),
        trend="add",
        damped_trend=True,
        seasonal="add" if season_length else None,
        seasonal_periods=season_length,
        initialization_method="estimated",
    )
    return model.fit(use_brute=False)


def _rng() -> np.random.Generator:
    return np.random.default_rng(_SEED)


def forecast_series(history: Sequence[float], horizon: int, season_length: int) -> SeriesForecast:
    """The forecast of the ``horizon`` periods after ``history`` (minor units per period, oldest
    first). The band is the 10th to 90th percentile of SIMULATIONS simulated paths' totals;
    where the fit cannot be simulated (a run rate; a trend fitted on as many points as it has
    parameters) the total ± 1.2816 x the residuals' standard deviation x sqrt(horizon)."""
    projection = fitted_projection(history, horizon, season_length)
    points_minor = [to_minor(max(0.0, p)) for p in projection.points]
    total = sum(points_minor)
    if projection.totals:
        quantiles = [50 - BAND_PERCENT / 2, 50 + BAND_PERCENT / 2]
        low, high = (float(q) for q in np.percentile(projection.totals, quantiles))
    else:
        residuals = projection.residuals
        spread = _Z80 * float(np.std(residuals)) * horizon**0.5 if len(residuals) > 1 else 0.0
        low, high = total - spread, total + spread
    return SeriesForecast(
        method=projection.method,
        reason=projection.reason,
        points_minor=points_minor,
        total_minor=total,
        band_low_minor=to_minor(max(0.0, min(low, total))),
        band_high_minor=to_minor(max(high, total)),
    )


def to_minor(amount: float) -> int:
    """A float amount of minor units as a whole minor unit, rounded half up."""
    return int(Decimal(repr(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
