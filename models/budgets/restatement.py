"""Restating past periods under another org structure: each month's cost (the cost lines'
base amounts, by the month they were charged) and the ledger's actuals, per business unit as
the hierarchy stood in that month (original) and as it stands on the restatement day
(restated). A restatement moves money between business units, never changes a month's total;
what no cost center holds is shown as ``(unassigned)``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.costs.settlement import to_minor
from domain.fiscal import FiscalPeriod, period_start
from models.budgets.org_history import business_units_as_of

UNASSIGNED = "(unassigned)"

_COST = text(
    """
    SELECT cc.code AS center, l.base_currency AS currency,
           date_trunc('month', COALESCE(l.charge_period_start, l.billing_period_start)
                      AT TIME ZONE 'UTC')::date AS month,
           sum(l.effective_cost_base) AS amount
    FROM cost_lines l LEFT JOIN cost_centers cc ON cc.id = l.cost_center_id
    WHERE l.billing_period_start >= :first - interval '1 month'
      AND l.billing_period_start < :last + interval '2 months'
      AND l.effective_cost_base IS NOT NULL AND l.base_currency IS NOT NULL
    GROUP BY 1, 2, 3
    """
)
_ACTUALS = text(
    """
    SELECT cc.code AS center, e.currency, e.fiscal_year, e.period,
           sum(e.actual_delta_minor) AS amount
    FROM ledger_entries e JOIN cost_centers cc ON cc.id = e.cost_center_id
    WHERE e.kind = 'actual' AND e.fiscal_year BETWEEN :first_year AND :last_year
    GROUP BY 1, 2, 3, 4
    """
)


@dataclass(frozen=True)
class RestatedAmount:
    """A business unit's amount of one month and measure (``cost`` or ``actual``), in minor
    units, under the structure of that month and under the restatement day's."""

    month: date
    measure: str
    business_unit: str
    currency: str
    original_minor: int
    restated_minor: int


def restate(
    session: Session, first: date, last: date, *, as_of: date, start_month: int
) -> list[RestatedAmount]:
    """Months ``first`` to ``last`` (first days) restated under the structure of ``as_of``.
    Each cost center's month is rounded once (half to even) before it is summed, so a month's
    original and restated totals are equal to the minor unit."""
    sums: dict[tuple[date, str, str, str], int] = {}
    for row in session.execute(_COST, {"first": first, "last": last}):
        if first <= row.month <= last:
            sums[(row.month, "cost", row.center or "", row.currency)] = to_minor(
                Decimal(row.amount), row.currency
            )
    # A fiscal year holds months of two calendar years at most.
    years = {"first_year": first.year, "last_year": last.year + 1}
    for row in session.execute(_ACTUALS, years):
        month = period_start(FiscalPeriod(row.fiscal_year, row.period), start_month)
        if first <= month <= last:
            key = (month, "actual", row.center, row.currency)
            sums[key] = sums.get(key, 0) + int(row.amount)
    return _by_business_unit(session, sums, as_of)


def _by_business_unit(
    session: Session, sums: dict[tuple[date, str, str, str], int], as_of: date
) -> list[RestatedAmount]:
    restated_units = business_units_as_of(session, as_of)
    original: dict[tuple[date, str, str, str], int] = defaultdict(int)
    restated: dict[tuple[date, str, str, str], int] = defaultdict(int)
    units_of: dict[date, dict[str, str]] = {}
    for (month, measure, center, currency), amount in sums.items():
        if month not in units_of:
            units_of[month] = business_units_as_of(session, month)
        then = units_of[month].get(center, UNASSIGNED)
        original[(month, measure, then, currency)] += amount
        restated[(month, measure, restated_units.get(center, UNASSIGNED), currency)] += amount
    return [
        RestatedAmount(*key, original.get(key, 0), restated.get(key, 0))
        for key in sorted(set(original) | set(restated))
    ]
