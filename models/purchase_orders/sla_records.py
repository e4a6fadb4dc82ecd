"""SLA measurements of issued POs and the service credits their breaches earn (docs/sla.md):
a month's availability once per PO and month, an incident once per PO and incident id, so a
re-import stores nothing twice; a credit once per PO, month and breach."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.sla.breaches import BreachKind
from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits, string_enum


class CreditStatus(StrEnum):
    OWED = "owed"  # the vendor owes it
    RECEIVED = "received"  # deducted on an invoice or refunded by a credit note
    CAPPED = "capped"  # nothing owed: the month's cap was reached before this breach


class SlaAvailability(Base):
    """A month's availability of a PO's service, in percent."""

    __tablename__ = "sla_availability"
    __table_args__ = (UniqueConstraint("po_number", "month"),)

    id: Mapped[IntPk]
    po_number: Mapped[str] = mapped_column(ForeignKey("purchase_orders.po_number"))
    month: Mapped[date] = mapped_column(Date)
    availability_percent: Mapped[Decimal] = mapped_column(Numeric(asdecimal=True))
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[CreatedAt]


class SlaIncident(Base):
    """An incident of a PO's service with its times."""

    __tablename__ = "sla_incidents"
    __table_args__ = (UniqueConstraint("po_number", "incident_id"),)

    id: Mapped[IntPk]
    po_number: Mapped[str] = mapped_column(ForeignKey("purchase_orders.po_number"))
    incident_id: Mapped[str] = mapped_column(String(80))
    priority: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    responded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[CreatedAt]


class SlaCredit(Base):
    """A breach of a PO's SLA in a month and the credit it earns, owed until received."""

    __tablename__ = "sla_credits"
    __table_args__ = (
        UniqueConstraint("po_number", "month", "breach"),
        CheckConstraint(
            "status <> 'received' OR num_nonnulls(received_invoice, received_credit_note) = 1",
            name="received_via_one",
        ),
    )

    id: Mapped[IntPk]
    po_number: Mapped[str] = mapped_column(ForeignKey("purchase_orders.po_number"), index=True)
    month: Mapped[date] = mapped_column(Date)
    breach: Mapped[str] = mapped_column(String(120))
    kind: Mapped[BreachKind] = mapped_column(string_enum(BreachKind, "sla_breach_kind"))
    incident_id: Mapped[str | None] = mapped_column(String(80))
    measured: Mapped[Decimal] = mapped_column(Numeric(asdecimal=True))
    target: Mapped[Decimal] = mapped_column(Numeric(asdecimal=True))
    amount_minor: Mapped[MinorUnits]
    currency: Mapped[CurrencyCode]
    status: Mapped[CreditStatus] = mapped_column(string_enum(CreditStatus, "sla_credit_status"))
    received_invoice: Mapped[str | None] = mapped_column(String(80))
    received_credit_note: Mapped[str | None] = mapped_column(String(80))
    received_by: Mapped[str | None] = mapped_column(String(80))
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]
