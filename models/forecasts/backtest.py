"""A forecast's accuracy on its own past: hold out the last periods, fit on the rest, and compare
the model's error with the naive run rate's on the same periods."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.forecast_method import ForecastMethod, holdout_periods, mape, run_rate_projection
from models.forecasts.series import fitted_projection


@dataclass(frozen=True)
class Backtest:
    """MAPE in percent of the model and of the run rate over the ``held_out`` last periods;
    a MAPE is None when every held-out actual is zero. ``method`` is what the model fitted on
    the shorter history could use."""

    held_out: int
    method: ForecastMethod
    model_mape: float | None
    run_rate_mape: float | None


def backtest(history: Sequence[float], season_length: int, *, daily: bool) -> Backtest | None:
    """The backtest of a forecast of ``history``; None when the history is too short to hold
    any period out (see domain.forecast_method.holdout_periods)."""
    held = holdout_periods(len(history), daily=daily)
    if held == 0:
        return None
    fitted_on, actual = list(history[:-held]), list(history[-held:])
    projection = fitted_projection(fitted_on, held, season_length)
    model_points = [max(0.0, p) for p in projection.points]
    return Backtest(
        held_out=held,
        method=projection.method,
        model_mape=mape(actual, model_points),
        run_rate_mape=mape(actual, run_rate_projection(fitted_on, held)),
    )


def describe(result: Backtest | None, unit: str) -> str:
    """The line shown next to a forecast, e.g. "model MAPE 8.1 % vs run rate 14.3 % over 3
    months"."""
    if result is None:
        return "no backtest: too little history to hold any period out"
    return (
        f"model MAPE {_percent(result.model_mape)} vs run rate {_percent(result.run_rate_mape)}"
        f" over {result.held_out} {unit}{'' if result.held_out == 1 else 's'}"
    )


def _percent(value: float | None) -> str:
    return "n/a (all held-out actuals zero)" if value is None else f"{value:.1f} %"
