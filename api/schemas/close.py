"""Bodies of the month-end close API: amounts in integer minor units with their currency."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Row

from domain.close.accruals import Journal
from domain.close.reconciliation import GlDifference
from models.close.reports import CloseDetail


class CloseStartIn(BaseModel):
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    grace_days: int = Field(default=5, ge=0, le=28, description="days after the month's end")


class CloseStartedOut(BaseModel):
    period: str
    started: bool  # False: the period's close was started before, and nothing changed


class CloseDecisionIn(BaseModel):
    approve: bool
    comment: str = Field(default="", max_length=2000)


class CloseDecisionOut(BaseModel):
    period: str
    status: str
    decided_by: str


class CloseRunOut(BaseModel):
    period: str
    status: str
    started_by: str
    approved_by: str | None
    decided_at: datetime | None
    accrual_erp_reference: str | None
    reversal_erp_reference: str | None
    reconciled_at: datetime | None

    @classmethod
    def of(cls, row: Row[Any]) -> CloseRunOut:
        return cls.model_validate(row._mapping, from_attributes=False)


class JournalLineOut(BaseModel):
    gl_account: str
    cost_center: str
    currency: str
    debit_minor: int
    credit_minor: int
    memo: str


class JournalOut(BaseModel):
    journal_id: str
    kind: str
    posted_on: date
    lines: list[JournalLineOut]

    @classmethod
    def of(cls, journal: Journal) -> JournalOut:
        lines = [
            JournalLineOut.model_validate(line, from_attributes=True) for line in journal.lines
        ]
        return cls(
            journal_id=journal.journal_id,
            kind=journal.kind,
            posted_on=journal.posted_on,
            lines=lines,
        )


class ExportAttemptOut(BaseModel):
    kind: str
    outcome: str
    erp_reference: str | None
    detail: str
    attempted_at: datetime | None


class GlDifferenceOut(BaseModel):
    cost_center: str
    gl_account: str
    currency: str
    ledger_minor: int
    erp_minor: int
    difference_minor: int

    @classmethod
    def of(cls, found: GlDifference) -> GlDifferenceOut:
        return cls(
            cost_center=found.cost_center,
            gl_account=found.gl_account,
            currency=found.currency,
            ledger_minor=found.ledger_minor,
            erp_minor=found.erp_minor,
            difference_minor=found.difference_minor,
        )


class LedgerAccrualOut(BaseModel):
    cost_center: str
    gl_account: str
    accrued_minor: int  # in the ledger's base currency


class CloseDetailOut(BaseModel):
    run: CloseRunOut
    journals: list[JournalOut]
    export_attempts: list[ExportAttemptOut]
    differences: list[GlDifferenceOut]
    ledger_accruals: list[LedgerAccrualOut]  # what the month's budget lines hold as accrued

    @classmethod
    def of(cls, detail: CloseDetail, accrued: dict[tuple[str, str], int]) -> CloseDetailOut:
        return cls(
            ledger_accruals=[
                LedgerAccrualOut(cost_center=center, gl_account=gl, accrued_minor=amount)
                for (center, gl), amount in sorted(accrued.items())
            ],
            run=CloseRunOut.of(detail.run),
            journals=[JournalOut.of(journal) for journal in detail.journals],
            export_attempts=[
                ExportAttemptOut.model_validate(row._mapping, from_attributes=False)
                for row in detail.attempts
            ],
            differences=[GlDifferenceOut.of(found) for found in detail.differences],
        )
