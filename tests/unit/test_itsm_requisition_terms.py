"""A ticket's ``data_protection_clauses`` variable becomes the requisition's data-protection
clauses (api/itsm_requisition.py); a ticket without it carries no terms."""

from api.itsm_requisition import requisition_from_ticket
from domain.requisition import Requisition
from domain.terms.clauses import ClauseId
from domain.tickets import TicketRequest

VARIABLES = {
    "cost_center": "IT-APPS",
    "vendor": "Contoso Software",
    "service_type": "saas_subscription",
    "currency": "EUR",
    "unit_price": "100.00",
    "service_start": "2026-04-01",
    "service_end": "2026-12-31",
    "risk_flags": "handles_pii",
}


def from_ticket(**variables: str) -> Requisition | list[str]:
    ticket = TicketRequest("servicenow:abc", "RITM1", "alex", "Diagram tool", VARIABLES | variables)
    return requisition_from_ticket(ticket, "alex")


def test_the_clauses_of_a_ticket_are_the_requisition_s() -> None:
    requisition = from_ticket(data_protection_clauses="dpa, breach_notification_72h")
    assert isinstance(requisition, Requisition) and requisition.terms is not None
    clauses = requisition.terms.data_protection.clauses
    assert clauses == (ClauseId.DPA, ClauseId.BREACH_NOTIFICATION_72H)
    without = from_ticket()
    assert isinstance(without, Requisition) and without.terms is None


def test_an_unknown_clause_is_named_by_the_ticket_s_variable() -> None:
    problems = from_ticket(data_protection_clauses="dpa, gdpr")
    assert isinstance(problems, list) and len(problems) == 1
    assert problems[0].startswith("data_protection_clauses: ")
    assert "'dpa'" in problems[0]
