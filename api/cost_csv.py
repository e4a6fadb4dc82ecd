"""A cost summary as CSV: one row per group and billing currency, every amount an exact decimal
string as summed ("0.0000000013"), never a float; ``*_without_tax`` leaves out the tax lines."""

from __future__ import annotations

import csv
import io

from models.costs.explore import AMOUNTS, CostSummary


def summary_csv(summary: CostSummary) -> str:
    """Header first (the group's dimensions, currency, base currency, lines, each amount with
    and without tax), then the groups in the summary's order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    amounts = [name for a in AMOUNTS for name in (a, f"{a}_without_tax")]
    writer.writerow([*summary.group_by, "currency", "base_currency", "lines", *amounts])
    for group in summary.groups:
        figures = [
            format(value, "f")
            for a in AMOUNTS
            for value in (group.amounts[a].with_tax, group.amounts[a].without_tax)
        ]
        values = [group.values[d] or "" for d in summary.group_by]
        writer.writerow(
            [*values, group.currency or "", group.base_currency or "", group.lines, *figures]
        )
    return out.getvalue()
