"""Forecast and burn-down arithmetic for budget reports. Pure functions over integer minor units;
``today`` comes in as an argument, never from a clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from domain.fiscal import fiscal_period

PERIODS_PER_YEAR = 12


def elapsed_periods(fiscal_year: int, today: date, start_month: int) -> int:
    """How many periods of ``fiscal_year`` have begun by ``today``, the current one included:
    0 before the year starts, 12 once it has ended."""
    now = fiscal_period(today, start_month)
    if now.fiscal_year < fiscal_year:
        return 0
    if now.fiscal_year > fiscal_year:
        return PERIODS_PER_YEAR
    return now.period


def run_rate(spend_minor: int, periods: int) -> int:
    """The average spend per period, rounded half up to a minor unit; 0 over no periods."""
    if periods <= 0:
        return 0
    return (2 * spend_minor + periods) // (2 * periods)


@dataclass(frozen=True)
class Projection:
    """The spend not tied to a PO projected over the remaining periods by ``method`` (see
    domain.forecast_method), with the low and high ends of its 80 % band."""

    method: str
    reason: str
    total_minor: int
    low_minor: int
    high_minor: int


@dataclass(frozen=True)
class Forecast:
    """Where a budget line is heading by the end of its fiscal year.

    forecast = actual to date + open commitments + projected + dated adjustments ahead, where
    projected is the ``projection``'s, or else run rate x remaining periods (the run rate being
    the average actual not tied to a PO over the elapsed periods).
    """

    budget_minor: int
    actual_minor: int
    open_commitment_minor: int
    run_rate_minor: int
    remaining_periods: int
    projection: Projection | None = None
    adjustment_minor: int = 0

    @property
    def projected_run_minor(self) -> int:
        if self.projection is not None:
            return self.projection.total_minor
        return self.run_rate_minor * self.remaining_periods

    @property
    def method(self) -> str:
        return self.projection.method if self.projection is not None else "run_rate"

    @property
    def method_reason(self) -> str:
        return self.projection.reason if self.projection is not None else "run rate"

    @property
    def forecast_minor(self) -> int:
        return self._known_minor + self.projected_run_minor

    @property
    def forecast_low_minor(self) -> int:
        """The low end of the forecast's 80 % band (only the projection is uncertain)."""
        low = self.projection.low_minor if self.projection else self.projected_run_minor
        return self._known_minor + low

    @property
    def forecast_high_minor(self) -> int:
        high = self.projection.high_minor if self.projection else self.projected_run_minor
        return self._known_minor + high

    @property
    def _known_minor(self) -> int:
        return self.actual_minor + self.open_commitment_minor + self.adjustment_minor

    @property
    def variance_minor(self) -> int:
        """Budget left over at year end by the forecast; negative when it overspends."""
        return self.budget_minor - self.forecast_minor


def forecast(
    *,
    budget_minor: int,
    actual_minor: int,
    open_commitment_minor: int,
    unlinked_actual_elapsed_minor: int,
    elapsed: int,
    projection: Projection | None = None,
    adjustment_minor: int = 0,
) -> Forecast:
    """The year-end forecast of a line from its ledger sums; ``unlinked_actual_elapsed_minor`` is
    the actual not tied to a PO on the ``elapsed`` periods that have begun, ``projection`` a
    model's projection of the remaining periods (the run rate's when None),
    ``adjustment_minor`` the dated adjustments in them."""
    if not 0 <= elapsed <= PERIODS_PER_YEAR:
        raise ValueError("elapsed periods must be 0..12")
    return Forecast(
        budget_minor=budget_minor,
        actual_minor=actual_minor,
        open_commitment_minor=open_commitment_minor,
        run_rate_minor=run_rate(unlinked_actual_elapsed_minor, elapsed),
        remaining_periods=PERIODS_PER_YEAR - elapsed,
        projection=projection,
        adjustment_minor=adjustment_minor,
    )


def combined(forecasts: Sequence[Forecast], remaining_periods: int) -> Forecast:
    """Several lines' forecasts over the same remaining periods as one: the sum of each figure
    (run rates and projections add up too; the band is the sum of the lines' bands, wider than
    the total's own would be). No lines make a forecast of zero."""
    if any(f.remaining_periods != remaining_periods for f in forecasts):
        raise ValueError("forecasts over different remaining periods do not add up")
    projection = Projection(
        method="combined",
        reason="the sum of the lines' forecasts",
        total_minor=sum(f.projected_run_minor for f in forecasts),
        low_minor=sum(f.forecast_low_minor - f._known_minor for f in forecasts),
        high_minor=sum(f.forecast_high_minor - f._known_minor for f in forecasts),
    )
    return Forecast(
        budget_minor=sum(f.budget_minor for f in forecasts),
        actual_minor=sum(f.actual_minor for f in forecasts),
        open_commitment_minor=sum(f.open_commitment_minor for f in forecasts),
        run_rate_minor=sum(f.run_rate_minor for f in forecasts),
        remaining_periods=remaining_periods,
        projection=projection,
        adjustment_minor=sum(f.adjustment_minor for f in forecasts),
    )


@dataclass(frozen=True)
class BurnDownPoint:
    """One period of a burn-down: cumulative budget, cumulative consumption, and what is left."""

    period: int
    budget_cumulative_minor: int
    consumed_cumulative_minor: int

    @property
    def remaining_minor(self) -> int:
        return self.budget_cumulative_minor - self.consumed_cumulative_minor


def burn_down(budget: Sequence[int], consumed: Sequence[int]) -> list[BurnDownPoint]:
    """Per period (1..n), the budget remaining after cumulative consumption:
    budget cumulative - consumed cumulative. Both sequences are per period, in order."""
    if len(budget) != len(consumed):
        raise ValueError("budget and consumption must cover the same periods")
    return [
        BurnDownPoint(number, granted, used)
        for number, granted, used in zip(
            range(1, len(budget) + 1), accumulate(budget), accumulate(consumed), strict=True
        )
    ]
