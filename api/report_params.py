"""What the budget reports (JSON API and pages) share: who may read them, how a missing fiscal
year or period defaults to today's, and how a bad or unknown one is refused with a clear 4xx."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from fastapi import HTTPException, status

from api.errors import Refused
from domain.catalog import Role
from domain.fiscal import FiscalPeriod, fiscal_period
from settings import Settings

# Finance, procurement, auditors and admins read every cost center's budget figures.
REPORT_READERS = (Role.FINANCE, Role.PROCUREMENT, Role.AUDITOR, Role.ADMIN)
# Who follows up what poflow could not send (messages, ticket updates).
UNDELIVERED_READERS = (Role.PROCUREMENT, Role.ADMIN)
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
Result = TypeVar("Result")


def report_period(
    settings: Settings, today: date, fiscal_year: int | None, period: int | None = None
) -> FiscalPeriod:
    """The period asked for, today's fiscal year and period filling what is missing; 422 naming
    the value when the year or the period is out of range."""
    now = fiscal_period(today, settings.fiscal_year_start_month)
    year = now.fiscal_year if fiscal_year is None else fiscal_year
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise _unprocessable(
            f"fiscal year {year} is out of range ({EARLIEST_YEAR}..{LATEST_YEAR})",
            "fiscal_year_out_of_range",
        )
    number = (now.period if year == now.fiscal_year else 1) if period is None else period
    if not 1 <= number <= 12:
        raise _unprocessable(f"period {number} is not a fiscal period (1..12)", "invalid_period")
    return FiscalPeriod(year, number)


def report_of(build: Callable[[], Result]) -> Result:
    """``build()``, an unknown cost center, GL account or PO answered by 404 naming it."""
    try:
        return build()
    except LookupError as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(unknown.args[0])) from unknown


def _unprocessable(message: str, rule: str) -> Refused:
    return Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, message, rule=rule)
