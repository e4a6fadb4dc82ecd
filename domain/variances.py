"""Budget variances (docs/variances.md): a budget line's actual in a fiscal period against its
budget for the period and its forecast for the period, and which lines breach the approval
policy's thresholds. Pure functions over integer minor units."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.budget_forecast import PERIODS_PER_YEAR, run_rate


class Against(StrEnum):
    """What a line's actual is held against: its budget, its forecast, or either."""

    BUDGET = "budget"
    FORECAST = "forecast"
    BOTH = "both"


class Direction(StrEnum):
    """Which variances count: spending over the figure, under it, or either way."""

    OVER = "over"
    UNDER = "under"
    EITHER = "either"


@dataclass(frozen=True)
class VarianceRule:
    """The approval policy's ``variance_investigation`` section: a line is investigated when its
    variance is at least ``percent_at_least`` % of the figure it is held against *and* at least
    ``amount_base_minor_at_least`` (base currency), in the ``direction`` that counts. The owner
    has ``deadline_minutes`` before the task escalates, reminded every ``reminder_minutes``."""

    percent_at_least: int = 10
    amount_base_minor_at_least: int = 100_000
    against: Against = Against.BUDGET
    deadline_minutes: int = 5 * 24 * 60
    reminder_minutes: int = 2 * 24 * 60
    direction: Direction = Direction.OVER


DEFAULT_VARIANCE_RULE = VarianceRule()


@dataclass(frozen=True)
class LineFigures:
    """A budget line's figures for one fiscal period, base currency minor units; ``forecast_minor``
    is None when no forecast is known for the line."""

    cost_center: str
    gl_account: str
    budget_minor: int
    actual_minor: int
    forecast_minor: int | None = None


@dataclass(frozen=True)
class LineVariance:
    """A line whose actual breaches the thresholds against ``breached`` (``budget``,
    ``forecast`` or both); ``*_variance_minor`` is actual minus the figure (over is positive)."""

    figures: LineFigures
    budget_variance_minor: int
    forecast_variance_minor: int | None
    breached: tuple[Against, ...]


def period_share(year_minor: int) -> int:
    """A year's amount per period, pro-rated evenly and rounded half up to a minor unit: the
    forecast is a year-end figure, its period's part is one twelfth of it."""
    return run_rate(year_minor, PERIODS_PER_YEAR)


def breaches_threshold(actual_minor: int, reference_minor: int, rule: VarianceRule) -> bool:
    """Whether ``actual`` differs from ``reference``, in the rule's direction, by at least the
    rule's amount and at least its percent of the reference (any difference is 100 % of a zero
    reference)."""
    signed = actual_minor - reference_minor
    wrong_way = (rule.direction is Direction.OVER and signed < 0) or (
        rule.direction is Direction.UNDER and signed > 0
    )
    difference = abs(signed)
    if wrong_way or difference == 0 or difference < rule.amount_base_minor_at_least:
        return False
    return difference * 100 >= rule.percent_at_least * abs(reference_minor)


def line_variance(figures: LineFigures, rule: VarianceRule) -> LineVariance | None:
    """The line's variance when it breaches the rule against what the rule names; None when it
    does not (nor when the rule wants a forecast the line lacks)."""
    breached: list[Against] = []
    checks_budget = rule.against in (Against.BUDGET, Against.BOTH)
    checks_forecast = rule.against in (Against.FORECAST, Against.BOTH)
    if checks_budget and breaches_threshold(figures.actual_minor, figures.budget_minor, rule):
        breached.append(Against.BUDGET)
    # A line without a forecast is held to none.
    forecast = figures.forecast_minor
    if (
        checks_forecast
        and forecast is not None
        and breaches_threshold(figures.actual_minor, forecast, rule)
    ):
        breached.append(Against.FORECAST)
    if not breached:
        return None
    return LineVariance(
        figures,
        figures.actual_minor - figures.budget_minor,
        None if forecast is None else figures.actual_minor - forecast,
        tuple(breached),
    )


def breaching_lines(lines: list[LineFigures], rule: VarianceRule) -> list[LineVariance]:
    """The lines that breach the rule, in the order given."""
    found = (line_variance(line, rule) for line in lines)
    return [variance for variance in found if variance is not None]
