"""The report of one ingested file, as stored beside its loads' files and returned to the
workflow: rows read, loaded, quarantined and flagged; per data-quality rule its action, rows,
the BilledCost they carry and sample rows; per billing currency each cost column with and
without tax; and the slices the file filled. A load's own report merges its files' reports.
Amounts are exact decimal text (a report is JSON, never floats)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import MAX_PREC, Context, Decimal, localcontext
from typing import Any

from domain.costs.conversion import COST_COLUMNS, TaxSplit, split_tax
from domain.costs.cost_row import CostRow
from domain.costs.errors import CostFileError
from domain.costs.quality import QualityReport

_TAX_BATCH = 10_000  # rows summed at a time, so the split holds no more than these
_COUNTS = ("rows_read", "rows_loaded", "rows_quarantined", "rows_flagged")
_SAMPLE_ROWS = 5
_EXACT = Context(prec=MAX_PREC)  # sums of decimal text, never rounded


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
            "slice_id": s.slice_id,
            "billing_account_id": s.billing_account_id,
            "billing_period_start": s.billing_period_start.isoformat(),
            "rows_loaded": s.rows_loaded,
            "rows_quarantined": s.rows_quarantined,
            "rows_flagged": s.rows_flagged,
        }
        for s in slices
    ]


def merged_report(files: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A load's report from its files' reports, in the run's order: the first file's name,
    hash and format; rows summed; per rule its rows and BilledCost summed, sample rows from
    the first files; tax sums added; each slice's counts summed; and ``files``, each file's
    name, SHA-256 and rows read."""
    if not files:
        return {}
    merged: dict[str, Any] = {**files[0]}
    for count in _COUNTS:
        merged[count] = sum(int(f.get(count, 0)) for f in files)
    merged["quality"] = _merged_quality([f.get("quality", {}) for f in files])
    merged["tax"] = _merged_tax([f.get("tax", {}) for f in files])
    merged["slices"] = _merged_slices([s for f in files for s in f.get("slices", ())])
    merged["files"] = [
        {"name": f.get("file"), "sha256": f.get("sha256"), "rows": int(f.get("rows_read", 0))}
        for f in files
    ]
    return merged


def _merged_quality(reports: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    merged: dict[str, dict[str, Any]] = {}
    for report in reports:
        for rule_id, found in report.items():
            rule = merged.setdefault(
                rule_id, {**found, "rows": 0, "billed_cost": "0", "sample_rows": []}
            )
            rule["rows"] += int(found["rows"])
            rule["billed_cost"] = _add(rule["billed_cost"], found["billed_cost"])
            rule["sample_rows"] = [*rule["sample_rows"], *found["sample_rows"]][:_SAMPLE_ROWS]
    return merged


def _merged_tax(reports: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    merged: dict[str, dict[str, dict[str, str]]] = {}
    for report in reports:
        for currency, splits in report.items():
            into = merged.setdefault(currency, {})
            for split, amounts in splits.items():
                sums = into.setdefault(split, {})
                for column, amount in amounts.items():
                    sums[column] = _add(sums.get(column, "0"), amount)
    return dict(sorted(merged.items()))


def _merged_slices(slices: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[object, dict[str, Any]] = {}
    for part in slices:
        into = merged.setdefault(part["load_id"], {**part, **dict.fromkeys(_COUNTS[1:], 0)})
        for count in _COUNTS[1:]:
            into[count] += int(part.get(count, 0))
    return list(merged.values())


def _add(left: str, right: str) -> str:
    with localcontext(_EXACT):
        return str(Decimal(left) + Decimal(right))
