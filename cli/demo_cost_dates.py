"""The demo's cost files: real public samples with every date moved by whole months, so a month
of real spend lands in the demo's last closed month. Amounts, accounts and services stay as the
providers wrote them."""

from __future__ import annotations

import calendar
import csv
import re
from datetime import date
from pathlib import Path

# ISO dates (2023-11-01, 2023-11-01T00:00:00Z) and US dates (9/2/2023), wherever a cell has them.
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_US = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def demo_month(today: date, days_needed: int = 30) -> date:
    """The first day of the latest month before ``today``'s with ``days_needed`` days or more."""
    year, month = today.year, today.month
    while True:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        if calendar.monthrange(year, month)[1] >= days_needed:
            return date(year, month, 1)


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def moved(day: date, months: int) -> date:
    """``day`` moved by whole months, the day of the month kept (clamped to the month's end)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _move_cell(cell: str, months: int) -> str:
    def iso(found: re.Match[str]) -> str:
        day = moved(date(*map(int, found.groups())), months)
        return day.isoformat()

    def us(found: re.Match[str]) -> str:
        month, day_of_month, year = map(int, found.groups())
        day = moved(date(year, month, day_of_month), months)
        return f"{day.month}/{day.day}/{day.year}"

    return _US.sub(us, _ISO.sub(iso, cell))


def write_moved_copy(sample: Path, destination: Path, months: int) -> Path:
    """Copy ``sample`` (a CSV) to ``destination`` with every date moved by ``months``."""
    with (
        sample.open(newline="", encoding="utf-8-sig") as source,
        destination.open("w", newline="", encoding="utf-8") as target,
    ):
        reader = csv.reader(source)
        writer = csv.writer(target)
        writer.writerow(next(reader))
        for row in reader:
            writer.writerow([_move_cell(cell, months) for cell in row])
    return destination
