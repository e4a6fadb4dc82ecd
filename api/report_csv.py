"""The budget report as CSV: one row per cost center x GL account x period, amounts as decimal
strings in the unit of the currency column ("1234.56"), never floats.

A cost center's rows include its descendants' figures (as on the page); ``depth`` tells the
levels apart, so summing only the rows of one depth (or of one cost center) counts each entry
once."""

from __future__ import annotations

import csv
import io

from domain.budget import LineBalance
from domain.money import Money
from models.budgets.reports import BudgetReport

HEADER = (
    "fiscal_year",
    "period",
    "cost_center",
    "cost_center_name",
    "parent",
    "depth",
    "gl_account",
    "gl_name",
    "currency",
    "budget",
    "reserved",
    "committed",
    "actual",
    "available",
    "alert_percent",
)


def budget_csv(report: BudgetReport) -> str:
    """The report's rows, header first, in the report's order (tree order, GL, period)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for part in report.centers:
        center = part.center
        for year in part.accounts:
            for period in year.periods:
                writer.writerow(
                    (
                        report.fiscal_year,
                        period.period,
                        center.code,
                        center.name,
                        center.parent_code or "",
                        center.depth,
                        year.gl_account,
                        year.gl_name,
                        report.currency,
                        *_amounts(period.figures, report.currency),
                        "" if period.alert_percent is None else period.alert_percent,
                    )
                )
    return out.getvalue()


def _amounts(balance: LineBalance, currency: str) -> list[str]:
    figures = (
        balance.budget_minor,
        balance.reserved_minor,
        balance.committed_minor,
        balance.actual_minor,
        balance.available_minor,
    )
    return [str(Money(minor, currency).as_decimal()) for minor in figures]
