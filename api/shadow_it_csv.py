"""The shadow IT report as CSV: one row per month, kind, channel and name, amounts as decimal
strings in the unit of the currency column ("49.90"), never floats."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from domain.money import Money
from models.costs.shadow_it import ShadowSpend

HEADER = ("month", "kind", "paid_through", "name", "detail", "reasons", "currency", "amount")


def shadow_it_csv(rows: Iterable[ShadowSpend]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        amount = Money(row.amount_minor, row.currency).as_decimal()
        writer.writerow(
            [
                f"{row.month:%Y-%m}",
                row.kind,
                row.paid_through,
                row.name,
                row.detail,
                " ".join(row.reasons),
                row.currency,
                format(amount, "f"),
            ]
        )
    return out.getvalue()
