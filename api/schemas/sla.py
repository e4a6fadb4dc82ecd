"""SLA measurements as the JSON API takes them, and the credits it answers with
(docs/sla.md). Percents are decimal strings ("99.5"), times ISO 8601 with an offset."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from api.field_types import Code, PercentText, SingleLine
from api.month_params import MONTH_PATTERN, first_day
from api.schemas.body import RequestBody
from domain.sla.escalation import BreachCredit
from domain.sla.measurements import (
    AvailabilityMonth,
    Incident,
    SlaMeasurements,
    check_time_in_range,
)
from domain.sla.sheet import INCIDENT_ID_TEXT, PRIORITY_TEXT
from models.purchase_orders.sla_records import CreditStatus, SlaCredit

MAX_MONTHS, MAX_INCIDENTS = 120, 2000
Moment = Annotated[AwareDatetime, AfterValidator(check_time_in_range)]


class AvailabilityIn(RequestBody):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")
    availability_percent: PercentText = Field(description='Of the month, e.g. "99.5".')

    def to_measurement(self) -> AvailabilityMonth:
        return AvailabilityMonth(first_day(self.month), Decimal(self.availability_percent))


class IncidentIn(RequestBody):
    incident_id: SingleLine = Field(min_length=1, max_length=INCIDENT_ID_TEXT)
    priority: SingleLine = Field(min_length=1, max_length=PRIORITY_TEXT)
    opened_at: Moment
    responded_at: Moment
    resolved_at: Moment

    def to_measurement(self) -> Incident:
        return Incident(
            self.incident_id, self.priority, self.opened_at, self.responded_at, self.resolved_at
        )


class MeasurementsIn(RequestBody):
    po_number: Code = Field(min_length=1)
    availability: list[AvailabilityIn] = Field(default=[], max_length=MAX_MONTHS)
    incidents: list[IncidentIn] = Field(default=[], max_length=MAX_INCIDENTS)

    def to_batch(self) -> SlaMeasurements:
        return SlaMeasurements(
            self.po_number,
            tuple(month.to_measurement() for month in self.availability),
            tuple(incident.to_measurement() for incident in self.incidents),
        )


class ReceivedIn(RequestBody):
    """One of the two: the invoice the credit was deducted on, or the vendor's credit note."""

    invoice_number: Code | None = Field(default=None, min_length=1)
    credit_note: Code | None = Field(default=None, min_length=1)


class BreachCreditOut(BaseModel):
    credit_id: int
    month: str
    breach: str
    measured: str
    target: str
    amount_minor: int
    currency: str

    @classmethod
    def of(cls, credit: BreachCredit) -> BreachCreditOut:
        return cls(**vars(credit))


class MeasurementsOut(BaseModel):
    po_number: str
    availability_stored: int
    availability_unchanged: int = Field(description="months the PO already had, left as they were")
    incidents_stored: int
    incidents_unchanged: int = Field(description="incident ids the PO already had")
    credits: list[BreachCreditOut] = Field(description="the breaches found now and their credits")
    escalated_to: list[str] = Field(description="the owner and contacts told of the breaches")
    escalation_sent: bool


class CreditOut(BaseModel):
    id: int
    po_number: str
    month: str
    breach: str
    kind: str
    incident_id: str | None
    measured: str
    target: str
    amount_minor: int
    currency: str
    status: CreditStatus
    received_invoice: str | None
    received_credit_note: str | None
    received_by: str | None
    received_at: datetime | None
    escalated_at: datetime | None

    @classmethod
    def of(cls, row: SlaCredit) -> CreditOut:
        return cls(
            id=row.id,
            po_number=row.po_number,
            month=_month(row.month),
            breach=row.breach,
            kind=row.kind.value,
            incident_id=row.incident_id,
            measured=str(row.measured),
            target=str(row.target),
            amount_minor=row.amount_minor,
            currency=row.currency,
            status=row.status,
            received_invoice=row.received_invoice,
            received_credit_note=row.received_credit_note,
            received_by=row.received_by,
            received_at=row.received_at,
            escalated_at=row.escalated_at,
        )


def _month(month: date) -> str:
    return f"{month:%Y-%m}"
