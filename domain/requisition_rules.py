"""The requisition rules (docs/purchase-order.md, step 1) and ``validate_requisition``, which
runs them all so a requester sees every problem at once. Each rule is a small generator of
``FieldRefusal``s; reference data and ``today`` come in as arguments."""

from collections.abc import Iterator
from datetime import date

from domain.money import RATE_CURRENCIES
from domain.msa_rules import prices_above_msa, vendor_and_msa_refusals
from domain.policy import PriceAboveMsa
from domain.requisition import LineItem, PoType, Requisition, RiskFlag
from domain.terms.required_clauses import ClauseRequirement, clause_refusals
from domain.terms.rules import terms_refusals
from domain.validation import (
    FieldRefusal,
    ReferenceData,
    ValidationOutcome,
    amount_text,
    currency_ok,
)


def validate_requisition(
    requisition: Requisition,
    reference: ReferenceData,
    *,
    today: date,
    price_above_msa: PriceAboveMsa,
    required_clauses: tuple[ClauseRequirement, ...] = (),
) -> ValidationOutcome:
    """Check every step-2 rule and report every failure, not only the first.

    A price above the MSA catalog price is a refusal under ``PriceAboveMsa.REFUSE`` and a flag
    under ``PriceAboveMsa.FLAG``; every other failure is a refusal, among them the terms' rules
    (``domain.terms.rules``) and each clause ``required_clauses`` (the policy's) asks of the
    requisition's risk flags and its terms lack. A rule that needs facts another
    rule found missing (no lines, no known MSA, unknown vendor) is skipped, not reported twice.
    """
    req, ref = requisition, reference
    refusals = [
        *_requester_active(req, ref),
        *_currency_valid(req),
        *_blanket_ceiling(req),
        *_lines_present(req),
        *_line_rules(req),
        *_service_period_not_past(req, today),
        *vendor_and_msa_refusals(req, ref),
        *_cost_center_active(req, ref),
        *_project(req, ref),
        *_gl_account_active(req, ref),
        *_business_case_present(req),
        *_dpia_present(req),
        *_least_privilege_statement_present(req),
        *_emergency_justified(req),
        *terms_refusals(req),
        *clause_refusals(req, required_clauses),
    ]
    above = tuple(prices_above_msa(req, ref))
    if price_above_msa is PriceAboveMsa.REFUSE:
        return ValidationOutcome(refusals=(*refusals, *above), flags=())
    return ValidationOutcome(refusals=tuple(refusals), flags=above)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _requester_active(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    if not ref.requester_active:
        yield FieldRefusal(
            "requester_active", "requester", f"Requester {req.requester} is not an active user."
        )


def _currency_valid(req: Requisition) -> Iterator[FieldRefusal]:
    if not currency_ok(req.currency):
        yield FieldRefusal(
            "currency_valid",
            "currency",
            f"Currency {req.currency!r} is not an ISO 4217 code such as EUR.",
        )
    elif req.currency not in RATE_CURRENCIES:
        yield FieldRefusal(
            "currency_known",
            "currency",
            f"No exchange rate is published for {req.currency}; use one of "
            f"{', '.join(sorted(RATE_CURRENCIES))}.",
        )


def _blanket_ceiling(req: Requisition) -> Iterator[FieldRefusal]:
    ceiling = req.blanket_ceiling_minor
    if req.po_type is PoType.BLANKET and (ceiling is None or ceiling <= 0):
        yield FieldRefusal(
            "blanket_ceiling",
            "blanket_ceiling_minor",
            f"A blanket purchase order needs a positive ceiling, got {ceiling}.",
        )
    elif req.po_type is PoType.ONE_TIME and ceiling is not None:
        yield FieldRefusal(
            "blanket_ceiling",
            "blanket_ceiling_minor",
            f"A one-time purchase order has no ceiling; remove the ceiling of "
            f"{amount_text(ceiling, req.currency)}.",
        )


def _lines_present(req: Requisition) -> Iterator[FieldRefusal]:
    if not req.lines:
        yield FieldRefusal("lines_present", "lines", "A requisition needs at least one line.")


def _line_rules(req: Requisition) -> Iterator[FieldRefusal]:
    for index, line in enumerate(req.lines):
        yield from _quantity_positive(index, line)
        yield from _unit_price_not_negative(index, line, req.currency)
        yield from _service_period_valid(index, line)


def _quantity_positive(index: int, line: LineItem) -> Iterator[FieldRefusal]:
    if line.quantity <= 0:
        yield FieldRefusal(
            "quantity_positive",
            f"lines[{index}].quantity",
            f"Line {index + 1} ({line.description}) has quantity {line.quantity}; "
            "it must be at least 1.",
        )


def _unit_price_not_negative(index: int, line: LineItem, currency: str) -> Iterator[FieldRefusal]:
    if line.unit_price_minor < 0:
        yield FieldRefusal(
            "unit_price_not_negative",
            f"lines[{index}].unit_price_minor",
            f"Line {index + 1} ({line.description}) has a negative unit price of "
            f"{amount_text(line.unit_price_minor, currency)}.",
        )


def _service_period_valid(index: int, line: LineItem) -> Iterator[FieldRefusal]:
    if line.service_end < line.service_start:
        yield FieldRefusal(
            "service_period_valid",
            f"lines[{index}].service_end",
            f"Line {index + 1} ({line.description}) ends on {line.service_end.isoformat()}, "
            f"before it starts on {line.service_start.isoformat()}.",
        )


def _service_period_not_past(req: Requisition, today: date) -> Iterator[FieldRefusal]:
    if req.lines and req.service_end < today:
        latest = max(range(len(req.lines)), key=lambda i: req.lines[i].service_end)
        yield FieldRefusal(
            "service_period_not_past",
            f"lines[{latest}].service_end",
            f"The service period ended on {req.service_end.isoformat()}, "
            f"before today ({today.isoformat()}).",
        )


def _cost_center_active(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    if not ref.cost_center_active:
        yield FieldRefusal(
            "cost_center_active", "cost_center", f"Cost center {req.cost_center} is not active."
        )


def _project(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    """project_known, then project_of_cost_center; nothing when no project is named."""
    if req.project is None:
        return
    if ref.project_cost_center is None:
        yield FieldRefusal("project_known", "project", f"{req.project} is not a known project.")
    elif ref.project_cost_center != req.cost_center:
        yield FieldRefusal(
            "project_of_cost_center",
            "project",
            f"Project {req.project} belongs to cost center {ref.project_cost_center}, "
            f"not {req.cost_center}.",
        )


def _gl_account_active(req: Requisition, ref: ReferenceData) -> Iterator[FieldRefusal]:
    # A named GL account the caller could not confirm (None) counts as not active.
    if req.gl_account is not None and ref.gl_account_active is not True:
        yield FieldRefusal(
            "gl_account_active",
            "gl_account",
            f"GL account {req.gl_account} is not an active account.",
        )


def _business_case_present(req: Requisition) -> Iterator[FieldRefusal]:
    if _blank(req.business_case_ref):
        yield FieldRefusal(
            "business_case_present",
            "business_case_ref",
            f"{req.title} needs a business case reference.",
        )


def _dpia_present(req: Requisition) -> Iterator[FieldRefusal]:
    if RiskFlag.HANDLES_PII in req.risk_flags and _blank(req.dpia_ref):
        yield FieldRefusal(
            "dpia_present",
            "dpia_ref",
            f"{req.title} handles personal data, so it needs a DPIA reference.",
        )


def _least_privilege_statement_present(req: Requisition) -> Iterator[FieldRefusal]:
    if RiskFlag.THIRD_PARTY_ACCESS in req.risk_flags and _blank(req.least_privilege_statement):
        yield FieldRefusal(
            "least_privilege_statement_present",
            "least_privilege_statement",
            f"{req.title} gives {req.vendor} access to our systems, "
            "so it needs a least-privilege statement.",
        )


def _emergency_justified(req: Requisition) -> Iterator[FieldRefusal]:
    """Two failures at most: a missing justification, and a missing incident or change ticket."""
    if not req.emergency:
        return
    if _blank(req.emergency_justification):
        yield FieldRefusal(
            "emergency_justified",
            "emergency_justification",
            f"Emergency purchase order {req.title} needs a justification.",
        )
    if _blank(req.incident_ref) and _blank(req.change_ticket):
        yield FieldRefusal(
            "emergency_justified",
            "incident_ref",
            f"Emergency purchase order {req.title} needs an incident or change ticket reference.",
        )
