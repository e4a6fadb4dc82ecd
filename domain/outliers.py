"""Outlier POs (docs/policies.md, "Outlier POs"): how far a requisition lies from the POs bought
before of the same service type and vendor, as a robust z-score of its amount (on a log scale),
its unit price and its service period, with the reason in words.

Pure: the caller reads the history (in base currency) and hands it in. The score is a float
statistic; amounts shown in the reason are converted back to minor units with explicit rounding.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.money import Money
from domain.policy import Policy

MIN_HISTORY = 5  # fewer past POs than this say too little to call anything an outlier
MAD_SCALE = 1.4826  # the MAD times this estimates a normal distribution's standard deviation
MEAN_AD_SCALE = 1.2533  # the same for the mean absolute deviation, used when the MAD is zero
# A history of one repeated figure has no spread. One unit of spread is never less than this
# share of the median (a 1 % price rise is no outlier), an amount's never less than a factor
# of two (orders vary in size more than prices do), a service period's never less than a month
# (a two-day engagement is no outlier among one-day ones).
SPREAD_FLOOR = 0.05
AMOUNT_FLOOR_FACTOR = 2
PERIOD_FLOOR_DAYS = 30


@dataclass(frozen=True)
class Purchase:
    """One PO as the outlier check sees it: base-currency amount, unit price and period."""

    amount_base_minor: int
    unit_price_base_minor: int
    duration_days: int

    @staticmethod
    def of(amount_base_minor: int, quantity: int, start: date, end: date) -> Purchase:
        """The purchase of a PO: its unit price is the amount over every line's quantity
        (rounded half to even), its duration the service period, both days included."""
        unit_price = round(amount_base_minor / max(quantity, 1))
        return Purchase(amount_base_minor, unit_price, (end - start).days + 1)


@dataclass(frozen=True)
class OutlierCheck:
    """The anomaly score (None when the history is too short) and why, in one sentence."""

    score: int | None
    reason: str


@dataclass(frozen=True)
class _Measure:
    label: str
    value: Callable[[Purchase], float]
    shown: Callable[[float], str]
    floor: Callable[[float], float]  # the least spread, given the median
    log_scale: bool = False


def check_purchase(
    purchase: Purchase, history: Sequence[Purchase], currency: str, peers: str
) -> OutlierCheck:
    """Score ``purchase`` against ``history`` (``peers`` names them, e.g. "Contoso Software
    software licence"): the largest robust z-score (distance from the median in scaled MADs)
    of log amount, unit price and duration, rounded to an integer, and the sentence naming that
    measure and its figures. With fewer than ``MIN_HISTORY`` past POs: no score."""
    if len(history) < MIN_HISTORY:
        return OutlierCheck(
            None,
            f"not scored: {len(history)} earlier {peers} PO(s), {MIN_HISTORY} are needed",
        )
    scored = [(_z(measure, purchase, history), measure) for measure in _measures(currency)]
    z, measure = max(scored, key=lambda pair: abs(pair[0][0]))
    return OutlierCheck(round(abs(z[0])), _reason(measure, purchase, z, len(history), peers))


def _measures(currency: str) -> tuple[_Measure, ...]:
    def money(minor: float) -> str:
        return str(Money(round(minor), currency))

    def share(median: float) -> float:
        return SPREAD_FLOOR * abs(median)

    def days(count: float) -> str:
        return f"{count:,.0f} days"

    log_factor = math.log(AMOUNT_FLOOR_FACTOR)
    return (
        _Measure("amount", _log_amount, money, lambda _: log_factor, log_scale=True),
        _Measure("unit price", lambda p: float(p.unit_price_base_minor), money, share),
        _Measure(
            "service period",
            lambda p: float(p.duration_days),
            days,
            lambda median: max(share(median), PERIOD_FLOOR_DAYS),
        ),
    )


def _log_amount(purchase: Purchase) -> float:
    return math.log(max(purchase.amount_base_minor, 1))


def _z(measure: _Measure, purchase: Purchase, history: Sequence[Purchase]) -> tuple[float, float]:
    """The robust z-score of the purchase on one measure, and the history's median."""
    values = [measure.value(past) for past in history]
    median = statistics.median(values)
    deviations = [abs(value - median) for value in values]
    spread = MAD_SCALE * statistics.median(deviations) or MEAN_AD_SCALE * statistics.fmean(
        deviations
    )
    spread = max(spread, measure.floor(median))
    if spread == 0:  # every past figure is zero: nothing to measure against
        return 0.0, median
    return (measure.value(purchase) - median) / spread, median


def _reason(
    measure: _Measure, purchase: Purchase, z: tuple[float, float], count: int, peers: str
) -> str:
    distance, median = z
    value = measure.value(purchase)
    if measure.log_scale:  # shown in money again, not in logarithms
        value, median = math.exp(value), math.exp(median)
    side = "above" if distance >= 0 else "below"
    return (
        f"{measure.label} {measure.shown(value)} is {abs(distance):.1f} MADs {side} the median "
        f"{measure.shown(median)} of {count} {peers} POs"
    )


def review_tiers(policy: Policy, chain: Iterable[str], score: int | None) -> list[str]:
    """The tiers of a PO's chain (by name) its anomaly score brought in: those of the policy
    with a condition asking for an anomaly score the PO reaches. None for an unscored PO."""
    if score is None:
        return []
    names = set(chain)
    return [
        tier.name
        for tier in policy.tiers
        if tier.name in names
        and any(
            c.anomaly_score_at_least is not None and score >= c.anomaly_score_at_least
            for c in tier.when
        )
    ]
