"""Budget arithmetic: how a PO's amount falls on fiscal periods, how invoices relieve it, how a
commitment is reshaped, and when a budget line crosses an alert threshold. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from domain.fiscal import FiscalPeriod, fiscal_period

PeriodAmounts = dict[FiscalPeriod, int]


def spread(amount_minor: int, start: date, end: date, start_month: int) -> PeriodAmounts:
    """The amount over the fiscal periods of a service period, in proportion to its days there.

    Rounding goes by largest remainder (ties to the earlier period), so the parts add up to the
    amount exactly. A one-day service period puts everything on its period.
    """
    if end < start:
        raise ValueError("a service period cannot end before it starts")
    days = _days_per_period(start, end, start_month)
    total_days = sum(days.values())
    shares = {period: amount_minor * count // total_days for period, count in days.items()}
    left = amount_minor - sum(shares.values())
    by_remainder = sorted(days, key=lambda p: (-(amount_minor * days[p] % total_days), p))
    for period in by_remainder[:left]:
        shares[period] += 1
    return shares


def _days_per_period(start: date, end: date, start_month: int) -> PeriodAmounts:
    days: PeriodAmounts = {}
    day = start
    while day <= end:
        next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        last = min(end, next_month - timedelta(days=1))
        period = fiscal_period(day, start_month)
        days[period] = days.get(period, 0) + (last - day).days + 1
        day = next_month
    return days


def relief(
    open_by_period: Mapping[FiscalPeriod, int], amount_minor: int, at: FiscalPeriod
) -> PeriodAmounts:
    """What an invoice relieves of a PO's open commitment: the invoice's own period first, then
    the earliest periods, never more than is open."""
    order = [at, *sorted(p for p in open_by_period if p != at)]
    return _take(open_by_period, amount_minor, order)


def reduction(open_by_period: Mapping[FiscalPeriod, int], amount_minor: int) -> PeriodAmounts:
    """What a decrease releases of an open commitment: the latest periods first."""
    return _take(open_by_period, amount_minor, sorted(open_by_period, reverse=True))


def _take(
    open_by_period: Mapping[FiscalPeriod, int], amount_minor: int, order: Iterable[FiscalPeriod]
) -> PeriodAmounts:
    taken: PeriodAmounts = {}
    left = amount_minor
    for period in order:
        part = min(left, max(open_by_period.get(period, 0), 0))
        if part:
            taken[period] = part
            left -= part
    return taken


def reshape(
    current: Mapping[FiscalPeriod, int], target: Mapping[FiscalPeriod, int]
) -> PeriodAmounts:
    """Per period, what moves a commitment from ``current`` to ``target`` (zero moves left out)."""
    periods = sorted(set(current) | set(target))
    moves = {p: target.get(p, 0) - current.get(p, 0) for p in periods}
    return {p: move for p, move in moves.items() if move}


@dataclass(frozen=True)
class LineBalance:
    """A budget line's figures; available = budget - reserved - committed - actual."""

    budget_minor: int
    reserved_minor: int
    committed_minor: int
    actual_minor: int

    @property
    def consumed_minor(self) -> int:
        return self.reserved_minor + self.committed_minor + self.actual_minor

    @property
    def available_minor(self) -> int:
        return self.budget_minor - self.consumed_minor

    def percent_consumed(self) -> int | None:
        """Whole percent of the budget consumed, rounded down; None without a budget."""
        if self.budget_minor <= 0:
            return None
        return self.consumed_minor * 100 // self.budget_minor


def crossed(balance: LineBalance, thresholds: Iterable[int]) -> list[int]:
    """The alert thresholds (percent of budget) the line has reached. A line that consumes
    anything without a budget has reached all of them."""
    if balance.budget_minor <= 0:
        return sorted(thresholds) if balance.consumed_minor > 0 else []
    return sorted(t for t in thresholds if balance.consumed_minor * 100 >= t * balance.budget_minor)
