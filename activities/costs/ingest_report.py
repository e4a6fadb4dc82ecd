"""The report of one ingested file, as stored on its loads and returned to the workflow: rows
read, loaded, quarantined and flagged; per data-quality rule its action, rows, the BilledCost
they carry and sample rows; per billing currency each cost column with and without tax; and
the slices the file filled. Amounts are exact decimal text (a report is JSON, never floats)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Context, Decimal, localcontext
from typing import Any

from domain.costs.conversion import COST_COLUMNS, TaxSplit, split_tax
from domain.costs.cost_row import CostRow
from domain.costs.errors import CostFileError
from domain.costs.quality import QualityReport

_TAX_BATCH = 10_000  # rows summed at a time, so the split holds no more than these


@dataclass
class TaxTotals:
    """Each billing currency's cost columns over the loaded lines, with and without tax (a
    line without a currency, kept by a source that keeps such lines, is in no currency's)."""

    sums: dict[str, TaxSplit] = field(default_factory=dict)
    _pending: list[CostRow] = field(default_factory=list)

    def add(self, row: CostRow) -> None:
        if not row.focus.get("BillingCurrency"):
            return
        self._pending.append(row)
        if len(self._pending) >= _TAX_BATCH:
            self._fold()

    def _fold(self) -> None:
        with localcontext(Context(prec=60)):
            for currency, split in split_tax(self._pending).items():
                total = self.sums.setdefault(currency, TaxSplit(_zeros(), _zeros()))
                for column in COST_COLUMNS:
                    total.with_tax[column] += split.with_tax[column]
                    total.without_tax[column] += split.without_tax[column]
        self._pending = []

    def as_report(self) -> dict[str, Any]:
        self._fold()
        return {
            currency: {
                "with_tax": _texts(split.with_tax),
                "without_tax": _texts(split.without_tax),
            }
            for currency, split in sorted(self.sums.items())
        }


def _zeros() -> dict[str, Decimal]:
    return dict.fromkeys(COST_COLUMNS, Decimal(0))


def _texts(amounts: dict[str, Decimal]) -> dict[str, str]:
    return {column: str(amount) for column, amount in amounts.items()}


def quality_report(report: QualityReport) -> dict[str, Any]:
    return {
        rule.rule_id: {
            "action": rule.action.value,
            "rows": rule.rows,
            "billed_cost": str(rule.billed_cost),
            "sample_rows": list(rule.sample_rows),
        }
        for rule in report.rules
    }


def refusal_report(error: CostFileError) -> dict[str, Any]:
    """What a refused file's failed load says: file, row (0 for the header), column, problem."""
    return {
        "refused": True,
        "file": error.file,
        "row": error.row,
        "column": error.column,
        "problem": error.problem,
        "message": str(error),
    }


def slice_report(slices: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "load_id": s.load_id,
            "billing_account_id": s.billing_account_id,
            "billing_period_start": s.billing_period_start.isoformat(),
            "rows_loaded": s.rows_loaded,
            "rows_quarantined": s.rows_quarantined,
            "rows_flagged": s.rows_flagged,
        }
        for s in slices
    ]
