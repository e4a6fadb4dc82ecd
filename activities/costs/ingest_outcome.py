"""What both ways of ingesting a file hand back: a quarantined row's record, and the outcome
with the file's report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from activities.costs.ingest_report import slice_report
from activities.costs.slices import StagedSlice
from domain.costs.cost_row import CostRow
from domain.costs.load_messages import FetchedFile, IngestOutcome
from domain.costs.quality import QualityPolicy
from domain.costs.quality_rules import Action, Finding
from models.costs.quarantine import QuarantinedRow


def period_start(billing_period: str | None) -> datetime | None:
    """``YYYY-MM`` as the first instant of the month, UTC."""
    if billing_period is None:
        return None
    year, month = billing_period.split("-")
    return datetime(int(year), int(month), 1, tzinfo=UTC)


def quarantined_row(
    row: CostRow, raw: dict[str, str | None], findings: Sequence[Finding], policy: QualityPolicy
) -> QuarantinedRow:
    """One record per row, with its cells as read: the first rule that quarantines it, and
    every finding's detail."""
    rule = next(f.rule_id for f in findings if policy.action_of(f.rule_id) is Action.QUARANTINE)
    detail = "; ".join(f"{f.rule_id}: {f.detail}" for f in findings)
    invoice, cost = row.focus.get("InvoiceId"), row.focus.get("BilledCost")
    return QuarantinedRow(
        row.row_number,
        rule,
        detail,
        raw,
        invoice if isinstance(invoice, str) else None,
        cost if isinstance(cost, Decimal) else None,
    )


def file_outcome(
    file: FetchedFile,
    slices: Sequence[StagedSlice],
    rows_read: int,
    format_name: str,
    quality: dict[str, object],
    tax: dict[str, object],
) -> IngestOutcome:
    loaded = sum(s.rows_loaded for s in slices)
    quarantined = sum(s.rows_quarantined for s in slices)
    flagged = sum(s.rows_flagged for s in slices)
    report = {
        "file": file.name,
        "sha256": file.sha256,
        "format": format_name,
        "rows_read": rows_read,
        "rows_loaded": loaded,
        "rows_quarantined": quarantined,
        "rows_flagged": flagged,
        "quality": quality,
        "tax": tax,
        "slices": slice_report(slices),
    }
    load_ids = tuple(s.load_id for s in slices)
    return IngestOutcome(load_ids, rows_read, loaded, quarantined, flagged, report)
