"""Runaway spend in a daily cost series, found by a seasonal robust baseline (docs/anomalies.md).

A day's expected cost is the median of the same weekday over the previous four weeks when three
such days are known, else the median of the previous 28 days (at least 14); the spread is the
median absolute deviation of those days, scaled by 1.4826 so it estimates a standard deviation.
A day is anomalous when its robust z-score reaches ``min_score`` and its cost exceeds the
expected by at least ``min_impact_minor`` and ``min_impact_percent`` (the low-dollar floor, as
AWS Cost Anomaly Detection's thresholds). Medians are not moved by the spikes they look for,
need two weeks of history, and every figure can be explained to the owner.

Amounts are integer minor units; the score is a float, and expected amounts are rounded back to
minor units half to even."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

MAD_SCALE = 1.4826  # the MAD of normally distributed values times this is their deviation
MIN_HISTORY_DAYS = 14
WINDOW_DAYS = 28
SAME_WEEKDAYS = 3  # same weekdays the window must hold to follow the week's rhythm


@dataclass(frozen=True)
class Thresholds:
    """When a day is a finding: all three must hold."""

    min_score: float = 3.5
    min_impact_minor: int = 1000  # 10.00 in a two-digit currency
    min_impact_percent: int = 40


@dataclass(frozen=True)
class DayJudgement:
    """A day of a series against its baseline: ``lower``..``upper`` is the expected band
    (expected ± ``min_score`` spreads); ``history_days`` the days it was judged on (none:
    too little history, never a finding)."""

    day: date
    actual_minor: int
    expected_minor: int
    lower_minor: int
    upper_minor: int
    score: float
    impact_minor: int
    history_days: int
    anomalous: bool

    @property
    def impact_percent(self) -> float | None:
        if self.expected_minor <= 0:
            return None
        return 100 * self.impact_minor / self.expected_minor


def daily_values(series: Mapping[date, int], first: date, last: date) -> dict[date, int]:
    """The series on every day from ``first`` to ``last``: a day with no cost costs nothing."""
    days = (last - first).days + 1
    return {first + timedelta(d): series.get(first + timedelta(d), 0) for d in range(days)}


def judge_day(
    series: Mapping[date, int], day: date, thresholds: Thresholds = Thresholds()
) -> DayJudgement:
    """``day`` against the days before it in ``series`` (days missing between its first day
    and ``day`` count as zero); fewer than 14 days before it: judged on nothing, no finding."""
    known = [d for d in series if d < day]
    actual = series.get(day, 0)
    if not known or (day - min(known)).days < MIN_HISTORY_DAYS:
        return DayJudgement(day, actual, actual, actual, actual, 0.0, 0, 0, False)
    start = max(min(known), day - timedelta(WINDOW_DAYS))
    window = daily_values(series, start, day - timedelta(1))
    same = [v for d, v in window.items() if d.weekday() == day.weekday()]
    values = list(window.values())
    centre = statistics.median(same if len(same) >= SAME_WEEKDAYS else values)
    spread = MAD_SCALE * statistics.median(abs(v - statistics.median(values)) for v in values)
    score = (actual - centre) / max(spread, 1.0)
    expected = _minor(centre)
    band = _minor(thresholds.min_score * spread)
    impact = actual - expected
    return DayJudgement(
        day,
        actual,
        expected,
        max(expected - band, 0),
        expected + band,
        round(score, 2),
        impact,
        len(window),
        _is_finding(score, impact, expected, thresholds),
    )


def findings(
    series: Mapping[date, int], first: date, last: date, thresholds: Thresholds = Thresholds()
) -> list[DayJudgement]:
    """The anomalous days of ``series`` from ``first`` to ``last``, oldest first."""
    judged = (judge_day(series, d, thresholds) for d in daily_values(series, first, last))
    return [j for j in judged if j.anomalous]


def _is_finding(score: float, impact: int, expected: int, thresholds: Thresholds) -> bool:
    if score < thresholds.min_score or impact < thresholds.min_impact_minor:
        return False
    return expected <= 0 or 100 * impact >= thresholds.min_impact_percent * expected


def _minor(value: float) -> int:
    """A float amount of minor units, rounded half to even (medians of two days are halves)."""
    return int(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_EVEN))
