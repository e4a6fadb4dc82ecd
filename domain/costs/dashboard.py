"""The monthly expense dashboard's figures, pure: a month's cost facts (minor units of the base
currency) summed by one dimension, compared month on month and year on year, and the largest
movers against the previous month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CostFact:
    """The cost of one month on one cost center, service, resource and category (``None`` cost
    center: cost no cost center owns)."""

    month: str  # YYYY-MM
    business_unit: str | None
    cost_center: str | None
    service: str
    resource: str | None
    category: str
    amount_minor: int


@dataclass(frozen=True)
class Compared:
    """One row of a table: this month, the month before and the same month a year before."""

    key: str
    amount_minor: int
    previous_minor: int
    year_ago_minor: int

    @property
    def month_on_month_minor(self) -> int:
        return self.amount_minor - self.previous_minor

    @property
    def year_on_year_minor(self) -> int:
        return self.amount_minor - self.year_ago_minor


def month_before(month: str, months: int = 1) -> str:
    """``month`` (YYYY-MM) ``months`` months earlier."""
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def trailing_months(month: str, count: int = 12) -> list[str]:
    """The ``count`` months ending with ``month``, oldest first."""
    return [month_before(month, back) for back in range(count - 1, -1, -1)]


def compared(
    facts: Iterable[CostFact], month: str, key: Callable[[CostFact], str | None]
) -> list[Compared]:
    """The facts summed by ``key`` for ``month``, its previous month and a year before; a key
    with no cost in any of them is left out; largest this month first, then by key."""
    wanted = {month: 0, month_before(month): 1, month_before(month, 12): 2}
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for fact in facts:
        slot = wanted.get(fact.month)
        name = key(fact)
        if slot is not None and name is not None:
            sums[name][slot] += fact.amount_minor
    rows = [Compared(name, *figures) for name, figures in sums.items() if any(figures)]
    return sorted(rows, key=lambda row: (-row.amount_minor, row.key))


def monthly_totals(facts: Iterable[CostFact], months: Sequence[str]) -> list[int]:
    """The total of each of ``months``, in their order (0 for a month with no cost)."""
    totals = dict.fromkeys(months, 0)
    for fact in facts:
        if fact.month in totals:
            totals[fact.month] += fact.amount_minor
    return [totals[month] for month in months]


def movers(rows: Sequence[Compared], count: int = 5) -> tuple[list[Compared], list[Compared]]:
    """The ``count`` largest increases and the ``count`` largest decreases against the
    previous month (rows that did not change are neither)."""
    rising = sorted(
        (row for row in rows if row.month_on_month_minor > 0),
        key=lambda row: (-row.month_on_month_minor, row.key),
    )
    falling = sorted(
        (row for row in rows if row.month_on_month_minor < 0),
        key=lambda row: (row.month_on_month_minor, row.key),
    )
    return rising[:count], falling[:count]
