"""The fiscal calendar: fiscal years that start in a configurable month, periods are months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, order=True)
class FiscalPeriod:
    """Period 1..12 of a fiscal year; the year is named after the calendar year it ends in."""

    fiscal_year: int
    period: int


def fiscal_period(day: date, start_month: int) -> FiscalPeriod:
    """The fiscal period holding ``day`` when the fiscal year starts on the 1st of ``start_month``.

    With a start in April, 2026-04-01 is period 1 of FY2027 and 2027-03-31 period 12 of FY2027;
    with a January start the fiscal year is the calendar year.
    """
    if not 1 <= start_month <= 12:
        raise ValueError("the fiscal year start month must be 1..12")
    offset = (day.month - start_month) % 12
    fiscal_year = day.year if start_month == 1 or day.month < start_month else day.year + 1
    return FiscalPeriod(fiscal_year, offset + 1)


def period_start(period: FiscalPeriod, start_month: int) -> date:
    """The first calendar day of a fiscal period."""
    month_index = start_month - 1 + period.period - 1
    first_year = period.fiscal_year if start_month == 1 else period.fiscal_year - 1
    return date(first_year + month_index // 12, month_index % 12 + 1, 1)


def fiscal_year_periods(fiscal_year: int) -> list[FiscalPeriod]:
    """The twelve periods of a fiscal year, in order."""
    return [FiscalPeriod(fiscal_year, number) for number in range(1, 13)]
