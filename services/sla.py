"""Taking in SLA measurements of an issued PO (docs/sla.md): each is stored once, each breach
of the PO's ``SlaTerms`` gets its service credit, and the breaches are escalated per the PO's
procedure once stored. Credits are owed until received on an invoice or a credit note."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adapters.ports import NotificationPort
from domain.catalog import PoStatus
from domain.purchase_order import PoView
from domain.requisition import Requisition
from domain.sla.breaches import breaches_of
from domain.sla.credits import breach_credit_minor, monthly_charge
from domain.sla.escalation import BreachCredit, escalation_notices, escalation_recipients
from domain.sla.measurements import SlaMeasurements, measurement_refusals
from domain.terms.sla import SlaTerms
from domain.validation import FieldRefusal
from models.db import unit_of_work
from models.people.records import User
from models.purchase_orders import sla_credits as store
from models.purchase_orders.records import PurchaseOrder
from models.purchase_orders.reference import cost_center_owner
from models.purchase_orders.sla_records import CreditStatus, SlaCredit
from services.decisions import visible_or_missing
from services.refusals import RuleRefused

_VIEW = TypeAdapter(PoView)
log = logging.getLogger("poflow.sla")


class MeasurementsRefused(Exception):
    """Measurements of ``po_number`` that break a rule; nothing was stored."""

    def __init__(self, po_number: str, refusals: Sequence[FieldRefusal]) -> None:
        super().__init__(refusals[0].message)
        self.po_number = po_number
        self.refusals = list(refusals)


@dataclass(frozen=True)
class MeasurementsTaken:
    """What one PO's measurements stored, the credits of their breaches and whom the breaches
    are escalated to."""

    po_number: str
    availability_stored: int
    availability_unchanged: int
    incidents_stored: int
    incidents_unchanged: int
    credits: list[BreachCredit]
    escalated_to: list[str]
    call: list[str]  # the PO's escalation contacts, to be called


def take_measurements(
    sessions: sessionmaker[Session], user: User, batches: Sequence[SlaMeasurements]
) -> list[MeasurementsTaken]:
    """Every batch in one transaction: a refusal of any stores nothing (``RuleRefused``
    ``not_issued`` or ``no_sla_terms``, ``MeasurementsRefused``, ``NotVisible``)."""
    with unit_of_work(sessions) as session:
        return [_take(session, user, batch) for batch in batches]


def escalate(
    sessions: sessionmaker[Session], notifications: NotificationPort, taken: MeasurementsTaken
) -> bool:
    """Tell the owner and the contacts that are addresses of the breaches just found; the
    credits are marked escalated once every message went out. False when one did not (the
    credits stay unescalated, so it shows)."""
    if not taken.credits:
        return True
    notices = escalation_notices(taken.po_number, taken.escalated_to, taken.call, taken.credits)
    try:
        for notice in notices:
            notifications.send(notice)
    except Exception as error:  # the credits stand; they show as not escalated
        log.warning("%s: SLA escalation not delivered: %r", taken.po_number, error)
        return False
    with unit_of_work(sessions) as session:
        ids = [credit.credit_id for credit in taken.credits]
        store.mark_escalated(session, ids, datetime.now(UTC))
    return True


def mark_received(
    sessions: sessionmaker[Session],
    user: User,
    credit_id: int,
    invoice_number: str | None,
    credit_note: str | None,
) -> SlaCredit | None:
    """Record an owed credit as received on an invoice or as a credit note (one of the two);
    None when there is no such credit. ``RuleRefused`` ``received_via_one`` or
    ``credit_not_owed``."""
    if (invoice_number is None) == (credit_note is None):
        raise RuleRefused("received_via_one", "Name an invoice number or a credit note.")
    with unit_of_work(sessions) as session:
        credit = store.credit_for_update(session, credit_id)
        if credit is None:
            return None
        if credit.status is not CreditStatus.OWED:
            raise RuleRefused("credit_not_owed", f"Credit {credit_id} is {credit.status}.")
        credit.status = CreditStatus.RECEIVED
        credit.received_invoice, credit.received_credit_note = invoice_number, credit_note
        credit.received_by, credit.received_at = user.username, datetime.now(UTC)
        session.flush()
        session.expunge(credit)
        return credit


def _take(session: Session, user: User, batch: SlaMeasurements) -> MeasurementsTaken:
    po = visible_or_missing(session, user, batch.po_number)
    _lock(session, po.po_number)  # a month's breaches are counted one import at a time
    requisition, terms = _sla_of(po)
    start, end = requisition.service_start, requisition.service_end
    refusals = list(measurement_refusals(batch, start, end))
    if refusals:
        raise MeasurementsRefused(po.po_number, refusals)
    months = store.store_availability(session, po.po_number, batch.availability, user.username)
    incidents = store.store_incidents(session, po.po_number, batch.incidents, user.username)
    found = breaches_of(SlaMeasurements(po.po_number, tuple(months), tuple(incidents)), terms)
    charge = monthly_charge(po.amount_minor, start, end)
    credits: list[BreachCredit] = []
    for breach in found:
        ordinal = store.breaches_in_month(session, po.po_number, breach.month) + 1
        amount = breach_credit_minor(charge, terms, ordinal)
        row = store.add_credit(session, po.po_number, breach, amount, po.currency)
        credits.append(breach_credit(row))
    return MeasurementsTaken(
        po.po_number,
        len(months),
        len(batch.availability) - len(months),
        len(incidents),
        len(batch.incidents) - len(incidents),
        credits,
        escalation_recipients(
            cost_center_owner(session, po.cost_center), terms.escalation_contacts
        ),
        [*terms.escalation_contacts],
    )


def _lock(session: Session, po_number: str) -> None:
    query = select(PurchaseOrder.po_number).where(PurchaseOrder.po_number == po_number)
    session.execute(query.with_for_update())


def _sla_of(po: PurchaseOrder) -> tuple[Requisition, SlaTerms]:
    if po.status is not PoStatus.ISSUED:
        raise RuleRefused("not_issued", f"{po.po_number} is {po.status}, not issued.")
    requisition = _VIEW.validate_python(po.detail).requisition
    terms = requisition.terms.sla if requisition.terms else None
    if terms is None:
        raise RuleRefused("no_sla_terms", f"{po.po_number} carries no SLA terms.")
    return requisition, terms


def breach_credit(row: SlaCredit) -> BreachCredit:
    return BreachCredit(
        row.id,
        f"{row.month:%Y-%m}",
        row.breach,
        _figure(row.measured, row.kind.value),
        _figure(row.target, row.kind.value),
        row.amount_minor,
        row.currency,
    )


def _figure(value: Decimal, kind: str) -> str:
    return f"{value} %" if kind == "availability" else f"{value} minutes"
