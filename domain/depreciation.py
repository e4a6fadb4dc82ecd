"""Depreciation schedules of capital purchases: straight-line or declining balance, by month.

Amounts are integer minor units. The exact charge of each month is worked out in ``Decimal`` and
only the running total is rounded (half to even), each month's charge being the step between two
rounded totals; so no month drifts by more than a minor unit and the schedule always sums
exactly to cost minus salvage, whatever the life."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum


class DepreciationMethod(StrEnum):
    STRAIGHT_LINE = "straight_line"
    DECLINING_BALANCE = "declining_balance"  # double declining, then straight-line


class ScheduleError(ValueError):
    """Terms no schedule can be built from; ``rule`` names the one broken."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class AssetTerms:
    """What a schedule is built from: the cost and the salvage value (minor units of one
    currency), the useful life in months, the method and the month the asset went into
    service (any day of it: the first charge is that month's)."""

    cost_minor: int
    salvage_minor: int
    life_months: int
    method: DepreciationMethod
    in_service: date


@dataclass(frozen=True)
class Charge:
    """One month's depreciation, and the book value left after it."""

    month: date  # the first of the month
    charge_minor: int
    book_value_minor: int


def check_terms(terms: AssetTerms) -> None:
    """Refuse terms that make no schedule: a negative cost, a salvage outside 0..cost, a life
    shorter than a month or longer than 100 years."""
    if terms.cost_minor < 0:
        raise ScheduleError("the cost of an asset cannot be negative", "negative_cost")
    if not 0 <= terms.salvage_minor <= terms.cost_minor:
        raise ScheduleError("the salvage value must be between 0 and the cost", "invalid_salvage")
    if not 1 <= terms.life_months <= 1200:
        raise ScheduleError("the useful life must be 1 to 1200 months", "invalid_life")


def schedule(terms: AssetTerms) -> list[Charge]:
    """The month-by-month charges over the asset's life; they sum to cost minus salvage and the
    last book value is the salvage value."""
    check_terms(terms)
    exact = _exact_charges(terms)
    charges: list[Charge] = []
    running, booked = Decimal(0), 0
    depreciable = terms.cost_minor - terms.salvage_minor
    for number, amount in enumerate(exact):
        running += amount
        total = int(running.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
        if number == len(exact) - 1:
            total = depreciable  # the sum is exact: no rounding residue of 28 digits survives
        month = _add_months(terms.in_service.replace(day=1), number)
        charges.append(Charge(month, total - booked, terms.cost_minor - total))
        booked = total
    return charges


def _exact_charges(terms: AssetTerms) -> list[Decimal]:
    """Each month's charge before rounding; the last takes what is left, so they sum exactly."""
    depreciable = Decimal(terms.cost_minor - terms.salvage_minor)
    life = terms.life_months
    if terms.method is DepreciationMethod.STRAIGHT_LINE:
        return [depreciable / life] * (life - 1) + [depreciable - depreciable / life * (life - 1)]
    rate = Decimal(2) / life
    book, salvage = Decimal(terms.cost_minor), Decimal(terms.salvage_minor)
    charges: list[Decimal] = []
    for month in range(life - 1):
        left = book - salvage
        # Switch to straight-line once it charges more than the declining balance would.
        amount = min(left, max(book * rate, left / (life - month)))
        charges.append(amount)
        book -= amount
    charges.append(book - salvage)
    return charges


def _add_months(first: date, months: int) -> date:
    index = first.month - 1 + months
    return date(first.year + index // 12, index % 12 + 1, 1)
