"""Response bodies of the cost exploration API. Every amount is an exact decimal string of its
currency ("0.0000000013"), never a float; ``with_tax`` sums every line, ``without_tax`` leaves
out the lines whose charge category is ``Tax``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from models.costs.explore import AMOUNTS, Amount, CostGroup, CostSummary
from models.costs.load_views import LoadDetail, LoadRow


def exact(value: Decimal | None) -> str | None:
    """A decimal written out in full (no exponent), as the source's digits."""
    return None if value is None else format(value, "f")


class AmountOut(BaseModel):
    with_tax: str
    without_tax: str

    @classmethod
    def of(cls, amount: Amount) -> AmountOut:
        return cls(
            with_tax=format(amount.with_tax, "f"), without_tax=format(amount.without_tax, "f")
        )


class GroupOut(BaseModel):
    """One group: its dimension values, its billing currency (amounts ``*_base`` are in
    ``base_currency``), its line count and sums."""

    group: dict[str, str | None]
    currency: str | None
    base_currency: str | None
    lines: int
    amounts: dict[str, AmountOut]

    @classmethod
    def of(cls, group: CostGroup) -> GroupOut:
        return cls(
            group=group.values,
            currency=group.currency,
            base_currency=group.base_currency,
            lines=group.lines,
            amounts={name: AmountOut.of(group.amounts[name]) for name in AMOUNTS},
        )


class SummaryOut(BaseModel):
    """``read_from`` is ``cost_daily`` when the roll-ups hold every dimension asked for, else
    ``cost_lines``; ``truncated`` when more groups exist than were returned."""

    read_from: str
    group_by: list[str]
    groups: list[GroupOut]
    truncated: bool

    @classmethod
    def of(cls, summary: CostSummary) -> SummaryOut:
        return cls(
            read_from=summary.read_from,
            group_by=list(summary.group_by),
            groups=[GroupOut.of(group) for group in summary.groups],
            truncated=summary.truncated,
        )


class LineOut(BaseModel):
    """A stored cost line with its lineage (load, the file it came from, its row in that file)
    and allocation."""

    load_id: int
    file: str | None
    file_row: int
    source: str
    provider: str | None
    billing_account: str | None
    sub_account: str | None
    service: str | None
    region: str | None
    charge_category: str | None
    resource_id: str | None
    resource_name: str | None
    charge_description: str | None
    day: date
    currency: str | None
    billed_cost: str | None
    effective_cost: str | None
    list_cost: str | None
    contracted_cost: str | None
    base_currency: str | None
    billed_cost_base: str | None
    effective_cost_base: str | None
    cost_center: str | None
    tags: dict[str, Any] | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> LineOut:
        return cls(
            load_id=row["load_id"],
            file=row["file_name"],
            file_row=row["file_row"],
            source=row["source"],
            provider=row["provider_name"],
            billing_account=row["billing_account_id"],
            sub_account=row["sub_account_id"],
            service=row["service_name"],
            region=row["region_id"],
            charge_category=row["charge_category"],
            resource_id=row["resource_id"],
            resource_name=row["resource_name"],
            charge_description=row["charge_description"],
            day=row["day"],
            currency=row["billing_currency"],
            **{name: exact(row[name]) for name in AMOUNTS},
            base_currency=row["base_currency"],
            cost_center=row["cost_center"],
            tags=row["tags"],
        )


class LinePageOut(BaseModel):
    """One page in a stable order; pass ``next_cursor`` as ``cursor`` for the next (None: last)."""

    lines: list[LineOut]
    next_cursor: str | None


class LoadOut(BaseModel):
    id: int
    source: str
    billing_account: str
    billing_period: str
    file_name: str
    status: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_flagged: int
    bytes_read: int
    bytes_total: int
    percent: int | None
    started_at: datetime
    finished_at: datetime | None
    workflow_id: str | None

    @classmethod
    def of(cls, load: LoadRow) -> LoadOut:
        return cls(
            **{name: getattr(load, name) for name in cls.model_fields if name != "billing_account"},
            billing_account=load.billing_account_id,
        )


class QuarantinedOut(BaseModel):
    file: str | None
    file_row: int
    rule: str
    detail: str
    line: dict[str, Any]


class ReconciliationOut(BaseModel):
    invoice_id: str
    currency: str | None
    lines_total: str
    lines_tax: str
    invoice_total: str | None
    difference: str | None
    classification: str
    explanation: str | None


class LoadDetailOut(LoadOut):
    """The load, its report (per rule id: action, rows, billed cost, sample rows; a refused file:
    file, row, column, problem), its quarantined rows (the first 200, in file order) and the
    reconciliation of each invoice id."""

    report: dict[str, Any]
    quarantined: list[QuarantinedOut]
    reconciliations: list[ReconciliationOut]

    @classmethod
    def of_detail(cls, detail: LoadDetail) -> LoadDetailOut:
        return cls(
            **LoadOut.of(detail.load).model_dump(),
            report=detail.load.report,
            quarantined=[
                QuarantinedOut(
                    file=detail.files.get(q.file_index),
                    file_row=q.file_row,
                    rule=q.rule,
                    detail=q.detail,
                    line=q.line,
                )
                for q in detail.quarantined
            ],
            reconciliations=[
                ReconciliationOut(
                    invoice_id=r.invoice_id,
                    currency=r.currency,
                    lines_total=format(r.lines_total, "f"),
                    lines_tax=format(r.lines_tax, "f"),
                    invoice_total=exact(r.invoice_total),
                    difference=exact(r.difference),
                    classification=r.classification,
                    explanation=r.explanation,
                )
                for r in detail.reconciliations
            ],
        )
