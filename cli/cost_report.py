"""How ``poflow costs`` prints a load's report and cost totals: exact decimals, never floats."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from domain.costs.conversion import COST_COLUMNS
from domain.costs.load_messages import CostLoadResult
from models.costs.totals import GroupTotals, cost_totals, rule_counts


def load_report(
    session: Session, file: str, workflow_id: str, result: CostLoadResult
) -> tuple[str, bool]:
    """The load's report as lines of text, and whether it loaded."""
    head = f"{file}: {result.source} {result.billing_period} {result.status} ({workflow_id})"
    if result.status == "failed":
        return f"poflow: {head}: {result.problem}", False
    lines = [
        head,
        f"  rows loaded {result.rows_loaded}, quarantined {result.rows_quarantined}, "
        f"flagged {result.rows_flagged}",
    ]
    lines += [
        f"  rule {rule}: {count} {how}"
        for (rule, how), count in rule_counts(session, result.load_ids).items()
    ]
    if result.load_ids:
        lines += [
            "  total " + _group_line(group)
            for group in cost_totals(session, ["billing_period"], load_ids=result.load_ids)
        ]
    return "\n".join(lines), True


def _group_line(group: GroupTotals) -> str:
    costs = "  ".join(f"{c} {group.totals[c]}" for c in COST_COLUMNS)
    return f"{group.currency or '-'}  {costs}  ({group.lines} lines)"


def totals_as_text(groups: Sequence[GroupTotals]) -> list[str]:
    return [
        " / ".join(str(v) if v is not None else "-" for v in g.group.values())
        + "  "
        + _group_line(g)
        for g in groups
    ]


def totals_as_json(groups: Sequence[GroupTotals], base: bool) -> list[dict[str, object]]:
    """One object per group: its dimension values, its currency, its line count and each cost
    column as a string of the exact decimal sum."""
    currency = "BaseCurrency" if base else "BillingCurrency"
    return [
        {
            **g.group,
            currency: g.currency,
            "Lines": g.lines,
            **{c: str(g.totals[c]) for c in COST_COLUMNS},
        }
        for g in groups
    ]
