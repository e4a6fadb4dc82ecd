"""Storing SLA measurements once (a re-import stores nothing twice), the credits of their
breaches, and the credits owed and received."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from domain.sla.breaches import Breach
from domain.sla.measurements import AvailabilityMonth, Incident
from models.purchase_orders.sla_records import (
    CreditStatus,
    SlaAvailability,
    SlaCredit,
    SlaIncident,
)


def store_availability(
    session: Session, po_number: str, months: Sequence[AvailabilityMonth], by: str
) -> list[AvailabilityMonth]:
    """The months stored now; a month the PO already has is left as it was."""
    stored: list[AvailabilityMonth] = []
    for month in months:
        values = {
            "po_number": po_number,
            "month": month.month,
            "availability_percent": month.availability_percent,
            "recorded_by": by,
        }
        if _inserted(session, SlaAvailability, values):
            stored.append(month)
    return stored


def store_incidents(
    session: Session, po_number: str, incidents: Sequence[Incident], by: str
) -> list[Incident]:
    """The incidents stored now; an incident id the PO already has is left as it was."""
    stored: list[Incident] = []
    for incident in incidents:
        values = {
            "po_number": po_number,
            "incident_id": incident.incident_id,
            "priority": incident.priority,
            "opened_at": incident.opened_at,
            "responded_at": incident.responded_at,
            "resolved_at": incident.resolved_at,
            "recorded_by": by,
        }
        if _inserted(session, SlaIncident, values):
            stored.append(incident)
    return stored


def _inserted(
    session: Session, table: type[SlaAvailability] | type[SlaIncident], values: dict[str, object]
) -> bool:
    """Whether the row was inserted (not there already under its unique key)."""
    query = insert(table).values(values).on_conflict_do_nothing().returning(table.id)
    return session.execute(query).first() is not None


def breaches_in_month(session: Session, po_number: str, month: date) -> int:
    """How many breaches of the PO's month are already credited (capped ones included)."""
    query = select(func.count(SlaCredit.id)).where(
        SlaCredit.po_number == po_number, SlaCredit.month == month
    )
    return session.scalar(query) or 0


def add_credit(
    session: Session, po_number: str, breach: Breach, amount_minor: int, currency: str
) -> SlaCredit:
    credit = SlaCredit(
        po_number=po_number,
        month=breach.month,
        breach=breach.key,
        kind=breach.kind,
        incident_id=breach.incident_id,
        measured=breach.measured,
        target=breach.target,
        amount_minor=amount_minor,
        currency=currency,
        status=CreditStatus.OWED if amount_minor > 0 else CreditStatus.CAPPED,
    )
    session.add(credit)
    session.flush()
    return credit


def credits_of(
    session: Session, po_number: str | None = None, status: CreditStatus | None = None
) -> Sequence[SlaCredit]:
    """Credits by PO, month and when they were found, optionally of one PO and/or status."""
    query = select(SlaCredit)
    if po_number is not None:
        query = query.where(SlaCredit.po_number == po_number)
    if status is not None:
        query = query.where(SlaCredit.status == status)
    order = (SlaCredit.po_number, SlaCredit.month, SlaCredit.id)
    return session.scalars(query.order_by(*order)).all()


def credit_for_update(session: Session, credit_id: int) -> SlaCredit | None:
    query = select(SlaCredit).where(SlaCredit.id == credit_id).with_for_update()
    return session.scalar(query)


def mark_escalated(session: Session, credit_ids: Sequence[int], at: datetime) -> None:
    for credit in session.scalars(select(SlaCredit).where(SlaCredit.id.in_(credit_ids))):
        credit.escalated_at = at
