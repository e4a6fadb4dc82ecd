"""PO terms for tests: a full set that keeps every rule for the unit-test requisition
(``tests.builders.requisitions.valid_requisition``, service period 2026-04-01 to 2027-03-31),
and the same as the JSON API takes it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.terms.clauses import ClauseId, DataProtectionClauses
from domain.terms.licence import LicenceMetric, LicenceTerms
from domain.terms.milestones import Milestone
from domain.terms.po_terms import PoTerms
from domain.terms.sla import SlaTerms
from domain.terms.subcontracting import Subcontracting

SLA = SlaTerms(
    availability_percent=Decimal("99.9"),
    response_minutes=30,
    resolution_minutes=240,
    credit_percent_per_breach=Decimal("5"),
    credit_cap_percent=Decimal("25"),
    escalation_contacts=("Service desk lead, +49 30 1234 567",),
)
KICK_OFF = Milestone("Kick-off", date(2026, 4, 15), ("project plan",))
HANDOVER = Milestone("Handover", date(2027, 3, 1), ("documentation", "knowledge transfer"))


def full_terms() -> PoTerms:
    return PoTerms(
        sla=SLA,
        milestones=(KICK_OFF, HANDOVER),
        licence=LicenceTerms(LicenceMetric.USERS, 10, "internal use by IT staff"),
        subcontracting=Subcontracting(
            prime_accountable=True,
            accountability_clause="The vendor is liable for its subcontractors as for itself.",
            subcontractors=("Adatum Staffing",),
        ),
        data_protection=DataProtectionClauses((ClauseId.DPA, ClauseId.AUDIT_RIGHTS)),
    )


def terms_body(start: date, end: date) -> dict[str, Any]:
    """Terms as ``POST /api/requisitions`` takes them, milestones within ``start``..``end``."""
    return {
        "sla": {
            "availability_percent": "99.95",
            "response_minutes": 15,
            "resolution_minutes": 240,
            "credit_percent_per_breach": "5",
            "credit_cap_percent": "30",
            "escalation_contacts": ["Vendor duty manager, +44 20 7946 0000"],
        },
        "milestones": [
            {"name": "Go-live", "due": start.isoformat(), "acceptance_criteria": ["cut-over"]},
            {
                "name": "Handover",
                "due": end.isoformat(),
                "acceptance_criteria": ["documentation", "knowledge transfer"],
            },
        ],
        "licence": {"metric": "users", "quantity": 60, "permitted_use": "internal use"},
        "subcontracting": {"prime_accountable": False, "subcontractors": ["Adatum Hosting"]},
        "data_protection": {"clauses": ["dpa", "breach_notification_72h"]},
    }
