"""Forecast and burn-down arithmetic: elapsed periods, run rate, year-end forecast, burn-down."""

from datetime import date

import pytest

from domain.budget_forecast import (
    Forecast,
    Projection,
    burn_down,
    combined,
    elapsed_periods,
    forecast,
    run_rate,
)


@pytest.mark.parametrize(
    ("today", "start_month", "elapsed"),
    [
        (date(2025, 12, 31), 1, 0),  # the year has not begun
        (date(2026, 1, 1), 1, 1),  # its first day: period 1 has begun
        (date(2026, 3, 20), 1, 3),
        (date(2026, 12, 31), 1, 12),
        (date(2027, 1, 1), 1, 12),  # over
        (date(2025, 4, 1), 4, 1),  # FY2026 starts in April 2025
        (date(2026, 3, 31), 4, 12),
        (date(2025, 3, 31), 4, 0),
    ],
)
def test_elapsed_periods_count_the_current_one(today: date, start_month: int, elapsed: int) -> None:
    assert elapsed_periods(2026, today, start_month) == elapsed


def test_the_run_rate_is_the_average_rounded_half_up() -> None:
    assert run_rate(13_000, 3) == 4_333  # 4333.33
    assert run_rate(5, 2) == 3  # 2.5 rounds up
    assert run_rate(-5, 2) == -2  # a credit: -2.5 rounds up too
    assert run_rate(9_999, 0) == 0  # nothing elapsed: no rate to project


def test_the_forecast_adds_actual_open_commitments_and_the_projected_run() -> None:
    result = forecast(
        budget_minor=630_000,
        actual_minor=25_000,
        open_commitment_minor=23_000,
        unlinked_actual_elapsed_minor=13_000,
        elapsed=3,
    )
    assert result.run_rate_minor == 4_333
    assert result.remaining_periods == 9
    assert result.projected_run_minor == 38_997
    assert result.forecast_minor == 25_000 + 23_000 + 38_997
    assert result.variance_minor == 630_000 - 86_997


def test_a_finished_year_projects_nothing_more() -> None:
    result = forecast(
        budget_minor=100,
        actual_minor=150,
        open_commitment_minor=0,
        unlinked_actual_elapsed_minor=120,
        elapsed=12,
    )
    assert result.run_rate_minor == 10 and result.projected_run_minor == 0
    assert result.forecast_minor == 150 and result.variance_minor == -50


def test_elapsed_periods_outside_the_year_are_refused() -> None:
    with pytest.raises(ValueError, match=r"0\.\.12"):
        forecast(
            budget_minor=0,
            actual_minor=0,
            open_commitment_minor=0,
            unlinked_actual_elapsed_minor=0,
            elapsed=13,
        )


def test_forecasts_combine_figure_by_figure() -> None:
    one = Forecast(1_000, 100, 200, 10, 6)
    two = Forecast(2_000, 300, 0, 25, 6)
    both = combined([one, two], 6)
    figures = (both.budget_minor, both.actual_minor, both.open_commitment_minor)
    assert figures == (3_000, 400, 200) and both.run_rate_minor == 35
    assert both.projected_run_minor == 35 * 6
    assert both.forecast_minor == one.forecast_minor + two.forecast_minor
    assert combined([], 4).forecast_minor == 0
    with pytest.raises(ValueError, match="remaining periods"):
        combined([one, Forecast(0, 0, 0, 0, 5)], 6)


def test_a_projection_and_adjustments_replace_the_run_rate_and_carry_their_band() -> None:
    ramp = Projection("holt", "8 periods", total_minor=900, low_minor=700, high_minor=1_200)
    line = forecast(
        budget_minor=5_000,
        actual_minor=1_000,
        open_commitment_minor=500,
        unlinked_actual_elapsed_minor=800,
        elapsed=8,
        projection=ramp,
        adjustment_minor=300,
    )
    assert line.method == "holt" and line.projected_run_minor == 900
    assert line.forecast_minor == 1_000 + 500 + 900 + 300
    assert (line.forecast_low_minor, line.forecast_high_minor) == (2_500, 3_000)
    flat = Forecast(1_000, 100, 0, 10, 4)
    both = combined([line, flat], 4)
    assert both.forecast_minor == line.forecast_minor + flat.forecast_minor
    assert both.forecast_low_minor == line.forecast_low_minor + flat.forecast_minor
    assert both.forecast_high_minor == line.forecast_high_minor + flat.forecast_minor
    assert both.adjustment_minor == 300


def test_the_burn_down_is_cumulative_budget_less_cumulative_consumption() -> None:
    points = burn_down([500, 500, 1_100], [30, 60, 440])
    assert [p.period for p in points] == [1, 2, 3]
    assert [p.budget_cumulative_minor for p in points] == [500, 1_000, 2_100]
    assert [p.consumed_cumulative_minor for p in points] == [30, 90, 530]
    assert [p.remaining_minor for p in points] == [470, 910, 1_570]
    with pytest.raises(ValueError, match="same periods"):
        burn_down([1, 2], [1])
