"""A close's journal as CSV, the file finance downloads and an ERP without an API imports."""

from __future__ import annotations

import csv
import io

from domain.close.accruals import Journal
from domain.money import Money

HEADER = (
    "journal_id",
    "posted_on",
    "line",
    "gl_account",
    "cost_center",
    "currency",
    "debit",
    "credit",
    "memo",
)


def journal_csv(journal: Journal) -> str:
    """One row per line; amounts as decimals in the currency's own digits, never floats."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for number, line in enumerate(journal.lines, start=1):
        debit = Money(line.debit_minor, line.currency).as_decimal()
        credit = Money(line.credit_minor, line.currency).as_decimal()
        writer.writerow(
            (
                journal.journal_id,
                journal.posted_on.isoformat(),
                number,
                line.gl_account,
                line.cost_center,
                line.currency,
                format(debit, "f"),
                format(credit, "f"),
                line.memo,
            )
        )
    return out.getvalue()
