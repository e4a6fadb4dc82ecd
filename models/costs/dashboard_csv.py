"""The expense dashboard's tables as CSV, amounts as exact decimal strings."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from domain.costs.dashboard import Compared
from domain.money import Money
from models.costs.dashboard_budgets import BudgetPosition

CSV_HEADER = (
    "table",
    "name",
    "amount",
    "previous_month",
    "month_on_month",
    "year_ago",
    "year_on_year",
    "currency",
)


def comparison_csv(tables: Sequence[tuple[str, Sequence[Compared]]], currency: str) -> str:
    """The tables as one CSV (a ``table`` column names each row's table); amounts as exact
    decimal strings of ``currency`` (``1234.56``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for title, rows in tables:
        for row in rows:
            figures = (
                row.amount_minor,
                row.previous_minor,
                row.month_on_month_minor,
                row.year_ago_minor,
                row.year_on_year_minor,
            )
            amounts = [str(Money(minor, currency).as_decimal()) for minor in figures]
            writer.writerow([title, row.key, *amounts, currency])
    return out.getvalue()


def budgets_csv(positions: Sequence[BudgetPosition], currency: str) -> str:
    """Each cost center's budget, actual to date, forecast and variance as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("cost_center", "budget", "actual", "forecast", "variance", "currency"))
    for row in positions:
        figures = (row.budget_minor, row.actual_minor, row.forecast_minor, row.variance_minor)
        amounts = [str(Money(minor, currency).as_decimal()) for minor in figures]
        writer.writerow([row.cost_center, *amounts, currency])
    return out.getvalue()
