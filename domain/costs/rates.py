"""Internal rates: what one unit of an IT service is charged at in a month.

A markup rate is the month's unit cost (effective, after discounts) raised by the markup; a
benchmark rate is the market price the rate card names. Rates are kept to ``UNIT_PLACES``
decimal places, half to even; a markup rate of a month without a unit cost has no rate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from domain.costs.unit_costs import UNIT_PLACES

MARKUP = "markup"
BENCHMARK = "benchmark"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class InternalRate:
    """A service's rate in a month, with how it was set and why."""

    service: str
    period: str  # YYYY-MM
    unit: str
    currency: str
    basis: str  # markup or benchmark
    unit_cost: Decimal | None
    rate: Decimal | None
    markup_percent: Decimal | None
    benchmark: str | None
    assumptions: str


def marked_up(amount: Decimal, percent: Decimal) -> Decimal:
    """``amount`` raised by ``percent`` per cent, exact."""
    return amount * (HUNDRED + percent) / HUNDRED


def rate_of(
    entry: dict[str, str], unit: str, currency: str, unit_cost: Decimal | None
) -> InternalRate:
    """The rate a rate card's ``entry`` sets, given the service's unit cost of its month."""
    markup = Decimal(entry["markup_percent"]) if entry["basis"] == MARKUP else None
    if markup is not None:
        rate = _rounded(marked_up(unit_cost, markup)) if unit_cost is not None else None
    else:
        rate = Decimal(entry["rate"])
    return InternalRate(
        service=entry["service"],
        period=entry["period"],
        unit=unit,
        currency=currency,
        basis=entry["basis"],
        unit_cost=unit_cost,
        rate=rate,
        markup_percent=markup,
        benchmark=entry.get("benchmark"),
        assumptions=entry["assumptions"],
    )


def _rounded(amount: Decimal) -> Decimal:
    return amount.quantize(UNIT_PLACES, rounding=ROUND_HALF_EVEN)
