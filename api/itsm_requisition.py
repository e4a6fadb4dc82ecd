"""A ticket from an ITSM tool as a requisition: its catalog variables are read as the JSON API's
requisition body (one line), so the same rules apply and each problem is named the same way.

Variables (names as in the catalog item; values are text): ``cost_center``, ``vendor``,
``service_type``, ``currency``, ``unit_price`` (a decimal such as ``1234.50``), ``quantity``
(default 1), ``service_start`` and ``service_end`` (YYYY-MM-DD), and optionally ``title`` (else
the ticket's), ``description``, ``catalog_sku``, ``contract``, ``project``, ``gl_account``,
``asset_tag``, ``sla_terms``, ``business_case_ref``, ``dpia_ref``,
``least_privilege_statement``, ``risk_flags`` and ``data_protection_clauses`` (each
comma-separated; the clauses become the terms' ``data_protection``, the only part of a PO's
structured terms a ticket gives) and ``change_ticket``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from api.schemas.requisitions import RequisitionIn
from domain.requisition import Requisition
from domain.tickets import TicketRequest

LINE_FIELDS = ("description", "quantity", "unit_price", "service_start", "service_end")
OPTIONAL_LINE_FIELDS = ("catalog_sku",)
HEADER_FIELDS = (
    "cost_center",
    "vendor",
    "service_type",
    "currency",
    "contract",
    "project",
    "gl_account",
    "asset_tag",
    "sla_terms",
    "business_case_ref",
    "dpia_ref",
    "least_privilege_statement",
)


def requisition_from_ticket(ticket: TicketRequest, requester: str) -> Requisition | list[str]:
    """The requisition the ticket asks for, or what is missing or wrong, one line each."""
    try:
        body = RequisitionIn.model_validate(requisition_body(ticket))
    except ValidationError as error:
        return [_problem(detail) for detail in error.errors()]
    return body.to_requisition(requester)


def requisition_body(ticket: TicketRequest) -> dict[str, Any]:
    values = {
        name.strip().lower(): text.strip()
        for name, text in ticket.variables.items()
        if text and text.strip()
    }
    line: dict[str, Any] = {"description": ticket.title, "quantity": "1"}
    line |= {name: values[name] for name in (*LINE_FIELDS, *OPTIONAL_LINE_FIELDS) if name in values}
    body: dict[str, Any] = {
        "title": values.get("title") or ticket.title,
        "lines": [line],
        "itsm_ticket": ticket.ticket,
    }
    body |= {name: values[name] for name in HEADER_FIELDS if name in values}
    if "risk_flags" in values:
        body["risk_flags"] = _listed(values["risk_flags"])
    if "data_protection_clauses" in values:
        clauses = _listed(values["data_protection_clauses"])
        body["terms"] = {"data_protection": {"clauses": clauses}}
    if "change_ticket" in values:
        body["change_ticket"] = _in_system_of(ticket.ticket, values["change_ticket"])
    return body


def _listed(text: str) -> list[str]:
    return [item.strip() for item in text.split(",")]


def _in_system_of(ticket: str, reference: str) -> str:
    """A change ticket named without its system is in the system of the ticket asking."""
    if ":" in reference:
        return reference
    return f"{ticket.split(':', 1)[0]}:{reference}"


def _problem(detail: Any) -> str:
    location = [str(part) for part in detail["loc"] if not isinstance(part, int)]
    name = location[-1] if location and location[-1] != "lines" else ".".join(location)
    if location[:1] == ["terms"]:
        name = "data_protection_clauses"  # the ticket's variable
    if detail["type"] == "missing":
        return f"{name} is missing"
    message = str(detail["msg"]).removeprefix("Value error, ")
    return f"{name}: {message}" if name else message
