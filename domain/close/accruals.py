"""The accrual journal of a closed period and its reversal, from the usage not yet invoiced.

Each group of usage (source, billing account, cost center, expense GL, currency) gives two
lines: a debit of the expense GL and a credit of the accrued-liabilities GL, both on the cost
center, so the journal balances in each currency by construction. The reversal swaps every
line's debit and credit and is dated the first day of the next period: journal and reversal
net to zero on every account and cost center."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

# The balance-sheet account the accrual is credited to unless the close names another.
ACCRUED_LIABILITIES_GL = "2400"


class JournalKind:
    ACCRUAL = "accrual"
    REVERSAL = "reversal"


@dataclass(frozen=True)
class UninvoicedUsage:
    """Usage of a period that no received invoice covers yet, in minor units of ``currency``."""

    source: str
    billing_account: str
    cost_center: str
    expense_gl: str
    currency: str
    amount_minor: int


@dataclass(frozen=True)
class JournalLine:
    """One line of a journal: a debit or a credit (the other is 0) of a GL on a cost center."""

    gl_account: str
    cost_center: str
    currency: str
    debit_minor: int
    credit_minor: int
    memo: str = ""


@dataclass(frozen=True)
class Journal:
    """A journal as poflow sends it to the ERP: ``journal_id`` is its idempotency key."""

    journal_id: str
    period: str  # YYYY-MM the journal belongs to
    kind: str
    posted_on: date
    lines: tuple[JournalLine, ...] = ()


def period_start(period: str) -> date:
    """The first day of ``YYYY-MM``; ValueError for anything else."""
    year, _, month = period.partition("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError(f"period {period!r} is not YYYY-MM")
    return date(int(year), int(month), 1)


def next_period_start(period: str) -> date:
    """The first day of the period after ``YYYY-MM``."""
    start = period_start(period)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def period_end(period: str) -> date:
    """The last day of ``YYYY-MM``."""
    return date.fromordinal(next_period_start(period).toordinal() - 1)


def journal_id(period: str, kind: str) -> str:
    return f"close-{period}-{kind}"


def accrual_journal(
    period: str, usage: Iterable[UninvoicedUsage], liabilities_gl: str = ACCRUED_LIABILITIES_GL
) -> Journal:
    """The period's accrual journal, dated its last day: per group of usage (amounts of one
    group summed; groups netting to 0 left out), a debit of the expense GL and a credit of
    ``liabilities_gl`` on the same cost center. Lines are sorted, so the same usage gives the
    same journal. A negative group (credits exceeding usage) swaps sides."""
    sums: dict[tuple[str, str, str, str, str], int] = defaultdict(int)
    for item in usage:
        key = (item.cost_center, item.expense_gl, item.currency, item.source, item.billing_account)
        sums[key] += item.amount_minor
    lines: list[JournalLine] = []
    for (center, gl, currency, source, account), amount in sorted(sums.items()):
        if amount == 0:
            continue
        memo = f"accrued usage {source} {account} {period}"
        debit, credit = max(amount, 0), max(-amount, 0)
        lines.append(JournalLine(gl, center, currency, debit, credit, memo))
        lines.append(JournalLine(liabilities_gl, center, currency, credit, debit, memo))
    kind = JournalKind.ACCRUAL
    return Journal(journal_id(period, kind), period, kind, period_end(period), tuple(lines))


def reversal_of(journal: Journal) -> Journal:
    """The journal's reversal: every line with debit and credit swapped, dated the first day
    of the next period."""
    lines = tuple(
        replace(line, debit_minor=line.credit_minor, credit_minor=line.debit_minor)
        for line in journal.lines
    )
    kind = JournalKind.REVERSAL
    return Journal(
        journal_id(journal.period, kind),
        journal.period,
        kind,
        next_period_start(journal.period),
        lines,
    )


def net_by_account(journals: Iterable[Journal]) -> dict[tuple[str, str, str], int]:
    """Debit minus credit per (GL, cost center, currency) over the journals."""
    net: dict[tuple[str, str, str], int] = defaultdict(int)
    for journal in journals:
        for line in journal.lines:
            net[(line.gl_account, line.cost_center, line.currency)] += (
                line.debit_minor - line.credit_minor
            )
    return dict(net)


def imbalance_by_currency(journal: Journal) -> dict[str, int]:
    """Debits minus credits per currency; a balanced journal has only zeros."""
    totals: dict[str, int] = defaultdict(int)
    for line in journal.lines:
        totals[line.currency] += line.debit_minor - line.credit_minor
    return dict(totals)


def accrued_expense(journal: Journal, liabilities_gl: str) -> int:
    """What the journal accrues to expense: its expense lines' debits less credits."""
    return sum(
        line.debit_minor - line.credit_minor
        for line in journal.lines
        if line.gl_account != liabilities_gl
    )


def total_debits(journal: Journal, currency: str) -> int:
    return sum(line.debit_minor for line in journal.lines if line.currency == currency)
