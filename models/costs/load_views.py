"""Loads as the pages and the API show them: each load with its source, slice, status and
progress; one load with its quality report per rule, its quarantined rows and the
reconciliation of its invoices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models.costs.records import CostLoadFile, CostReconciliation, QuarantinedLine

QUARANTINE_SHOWN = 200
_LOADS = """
    SELECT l.id, src.name AS source, s.billing_account_id, s.billing_period_start, l.file_name,
           l.status, l.rows_read, l.rows_loaded, l.rows_quarantined, l.rows_flagged,
           l.bytes_read, l.bytes_total, l.started_at, l.finished_at, l.report, l.workflow_id
    FROM cost_loads l JOIN cost_slices s ON s.id = l.slice_id
    JOIN cost_sources src ON src.id = l.source_id
"""


@dataclass(frozen=True)
class LoadRow:
    """A load and how far it got: ``percent`` of its file's bytes read (None when unknown)."""

    id: int
    source: str
    billing_account_id: str
    billing_period: str
    file_name: str
    status: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_flagged: int
    bytes_read: int
    bytes_total: int
    started_at: Any
    finished_at: Any
    report: dict[str, Any]
    workflow_id: str | None

    @property
    def percent(self) -> int | None:
        if self.status != "loading":
            return 100 if self.status in ("current", "replaced") else None
        if self.bytes_total <= 0:
            return None
        return min(100, self.bytes_read * 100 // self.bytes_total)

    @property
    def quality_rules(self) -> list[dict[str, Any]]:
        """The report's rules that found rows: rule, action, rows, billed cost, sample rows."""
        rules = self.report.get("quality", {})
        return [
            {"rule_id": rule_id, **found}
            for rule_id, found in sorted(rules.items())
            if isinstance(found, dict) and found.get("rows")
        ]

    @property
    def problem(self) -> str | None:
        """Why a refused file was refused: file, row, column and problem."""
        message = self.report.get("message")
        return str(message) if message else None


@dataclass(frozen=True)
class LoadDetail:
    """The load; its files by their place in the run (a month may come in several); its first
    quarantined rows; its reconciliation."""

    load: LoadRow
    quarantined: list[QuarantinedLine]
    reconciliations: list[CostReconciliation]
    files: dict[int, str]


def loads(session: Session, limit: int = 200) -> list[LoadRow]:
    """The newest loads first."""
    rows = session.execute(text(f"{_LOADS} ORDER BY l.id DESC LIMIT :limit"), {"limit": limit})
    return [_row(row) for row in rows.mappings()]


def load_detail(session: Session, load_id: int) -> LoadDetail | None:
    """The load, its first quarantined rows in file order and its reconciliation rows."""
    row = session.execute(text(f"{_LOADS} WHERE l.id = :id"), {"id": load_id}).mappings().first()
    if row is None:
        return None
    quarantined = session.scalars(
        select(QuarantinedLine)
        .where(QuarantinedLine.load_id == load_id)
        .order_by(QuarantinedLine.file_index, QuarantinedLine.file_row)
        .limit(QUARANTINE_SHOWN)
    ).all()
    reconciliations = session.scalars(
        select(CostReconciliation)
        .where(CostReconciliation.load_id == load_id)
        .order_by(CostReconciliation.invoice_id)
    ).all()
    files = session.execute(
        select(CostLoadFile.file_index, CostLoadFile.file_name)
        .where(CostLoadFile.load_id == load_id)
        .order_by(CostLoadFile.file_index)
    ).all()
    named = {index: name for index, name in files}
    return LoadDetail(_row(row), list(quarantined), list(reconciliations), named)


def _row(row: Any) -> LoadRow:
    values = dict(row)
    values["billing_period"] = values.pop("billing_period_start").strftime("%Y-%m")
    values["status"] = str(values["status"])
    values["report"] = values["report"] or {}
    return LoadRow(**values)
