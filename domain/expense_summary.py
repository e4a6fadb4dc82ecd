"""The mailed expense summary: who subscribes to it and how often, the month it covers, and
the payloads its workflow and activity exchange."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.costs.dashboard import Compared, month_before
from domain.money import Money


class Frequency(StrEnum):
    MONTHLY = "monthly"  # on ``day`` 1..28 of each month: the month just closed
    WEEKLY = "weekly"  # on ``day`` 1..7 (Monday 1): the month so far


class BadSummaryDay(ValueError):
    """A day that does not exist in every period of the frequency; ``rule`` names the rule."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def check_day(frequency: Frequency, day: int) -> int:
    """``day`` when it exists in every period of ``frequency``; BadSummaryDay otherwise
    (a monthly day past the 28th would skip February)."""
    last = 28 if frequency is Frequency.MONTHLY else 7
    if not 1 <= day <= last:
        what = "day of the month" if frequency is Frequency.MONTHLY else "weekday (Monday 1)"
        raise BadSummaryDay("invalid_summary_day", f"day must be a {what} from 1 to {last}")
    return day


def schedule_id(username: str) -> str:
    """The Temporal Schedule of one person's summary."""
    return f"expense-summary-{username}"


def summary_month(frequency: str, now: datetime) -> str:
    """The month a summary sent at ``now`` covers: the month just closed for a monthly one,
    the month so far for a weekly one."""
    current = f"{now.year:04d}-{now.month:02d}"
    return month_before(current) if frequency == Frequency.MONTHLY else current


@dataclass(frozen=True)
class ExpenseSummaryRequest:
    """Send ``username`` their summary; ``month`` (YYYY-MM) empty: by their frequency at the
    workflow's start."""

    username: str
    frequency: str = Frequency.MONTHLY.value
    month: str = ""
    key: str = ""  # the summary's idempotency key: its workflow's id


@dataclass(frozen=True)
class ExpenseSummaryResult:
    """What became of one summary: ``sent``, ``undelivered`` (the mail failed; recorded, and
    the next run sends again), or ``skipped`` (no active subscription, or nothing the person
    may read any more)."""

    username: str
    month: str
    status: str
    detail: str = ""
    key: str = ""


@dataclass(frozen=True)
class SummaryTable:
    """One table of the summary: its title, what its rows name, and its rows."""

    title: str
    column: str
    rows: tuple[Compared, ...]


@dataclass(frozen=True)
class SummaryMail:
    """A person's expense summary of ``month``, as the mailer draws it: charts of the trend and
    of each table, the tables, and ``csv`` attached. ``scope`` says whose figures it holds."""

    idempotency_key: str
    month: str
    currency: str
    scope: str
    total: Compared
    trend_months: tuple[str, ...]
    trend: tuple[int, ...]
    tables: tuple[SummaryTable, ...]
    csv: str

    @property
    def subject(self) -> str:
        return (
            f"poflow expense summary {self.month}: {Money(self.total.amount_minor, self.currency)}"
        )
