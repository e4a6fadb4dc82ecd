"""Allocation runs over JSON: every amount in integer minor units of its ISO currency (cents
for EUR, yen for JPY, fils for BHD), beside it as exact decimal text; a line's own amount keeps
every digit; a ledger entry behind a ledger pool with its own amount."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas.body import RequestBody
from domain.costs.allocation import as_minor
from models.costs.allocation_runs import AllocatedAmount, AllocatedEntry, AllocatedLine
from services.costs.allocation_report import AllocationReport, Subtotal


class SubtotalOut(BaseModel):
    name: str
    currency: str
    amount_minor: int
    amount: str

    @classmethod
    def of(cls, row: Subtotal) -> SubtotalOut:
        return cls(
            name=row.name,
            currency=row.currency,
            amount_minor=as_minor(row.amount, row.currency),
            amount=format(row.amount, "f"),
        )


class AllocatedAmountOut(BaseModel):
    cost_center: str | None  # null: unallocated
    business_unit: str | None
    service: str | None
    rule: str | None
    currency: str
    amount_minor: int
    amount: str
    line_count: int

    @classmethod
    def of(cls, row: AllocatedAmount) -> AllocatedAmountOut:
        return cls(
            cost_center=row.cost_center,
            business_unit=row.business_unit,
            service=row.service,
            rule=row.rule,
            currency=row.currency,
            amount_minor=as_minor(row.amount, row.currency),
            amount=format(row.amount, "f"),
            line_count=row.line_count,
        )


class AllocationOut(BaseModel):
    period: str
    version: int
    model_version: int
    status: str
    run_at: datetime
    line_count: int
    amounts: list[AllocatedAmountOut]
    by_cost_center: list[SubtotalOut]
    by_business_unit: list[SubtotalOut]
    by_service: list[SubtotalOut]
    unallocated: list[SubtotalOut]
    totals: list[SubtotalOut]

    @classmethod
    def of(cls, report: AllocationReport) -> AllocationOut:
        run = report.run
        return cls(
            period=f"{run.period:%Y-%m}",
            version=run.version,
            model_version=run.model_version,
            status=run.status,
            run_at=run.run_at,
            line_count=run.line_count,
            amounts=[AllocatedAmountOut.of(row) for row in report.amounts],
            by_cost_center=[SubtotalOut.of(row) for row in report.by_cost_center],
            by_business_unit=[SubtotalOut.of(row) for row in report.by_business_unit],
            by_service=[SubtotalOut.of(row) for row in report.by_service],
            unallocated=[SubtotalOut.of(row) for row in report.unallocated],
            totals=[SubtotalOut.of(row) for row in report.totals],
        )


class AllocatedLineOut(BaseModel):
    rule: str | None
    load_id: int
    file_index: int
    file_row: int
    billing_account: str | None
    service_name: str | None
    resource_id: str | None
    currency: str
    amount: str  # the line's own amount, every digit
    pooled: bool  # in a pool shared by its parts, rather than given whole

    @classmethod
    def of(cls, line: AllocatedLine) -> AllocatedLineOut:
        return cls(
            rule=line.rule,
            load_id=line.load_id,
            file_index=line.file_index,
            file_row=line.file_row,
            billing_account=line.billing_account,
            service_name=line.service_name,
            resource_id=line.resource_id,
            currency=line.currency,
            amount=format(line.amount, "f"),
            pooled=line.pooled,
        )


class AllocatedEntryOut(BaseModel):
    """A ledger entry a ledger pool read, shared by the pool's parts."""

    rule: str
    entry_id: int
    cost_center: str
    gl_account: str
    fiscal_year: int
    period: int
    key: str
    reference: str | None
    note: str
    currency: str
    amount_minor: int
    amount: str

    @classmethod
    def of(cls, entry: AllocatedEntry) -> AllocatedEntryOut:
        return cls(
            rule=entry.rule,
            entry_id=entry.entry_id,
            cost_center=entry.cost_center,
            gl_account=entry.gl_account,
            fiscal_year=entry.fiscal_year,
            period=entry.period,
            key=entry.key,
            reference=entry.reference,
            note=entry.note,
            currency=entry.currency,
            amount_minor=as_minor(entry.amount, entry.currency),
            amount=format(entry.amount, "f"),
        )


class DriversIn(RequestBody):
    """A driver table of one period: a quantity (decimal text, not negative) per target, a cost
    center's or an IT service's code. It replaces the driver's earlier table of the period."""

    quantities: dict[str, str] = Field(min_length=1, max_length=10_000)
    note: str = Field(default="", max_length=500)


class DriversStored(BaseModel):
    period: str
    driver: str
    rows: int
