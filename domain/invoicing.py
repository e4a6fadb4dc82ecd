"""Invoices against an issued PO: they relieve its commitment and book actual cost. The invoice
processor is not the requester nor an approver of the PO (segregation of duties)."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass
from datetime import date

from domain.catalog import PoStatus
from domain.chain import DecisionRecord, approved_by
from domain.entitlement import Refusal
from domain.wording import status_words


@dataclass(frozen=True)
class InvoiceRequest:
    actor: str
    invoice_number: str
    invoice_date: date
    amount_minor: int  # in the PO's currency
    actor_is_finance: bool = False


@dataclass
class InvoiceRecord:
    invoice_number: str
    invoice_date: date
    amount_minor: int
    amount_base_minor: int
    relieved_base_minor: int
    actor: str


def invoice_refusal(
    status: PoStatus,
    request: InvoiceRequest,
    requester: str,
    decisions: list[DecisionRecord],
    invoices: list[InvoiceRecord],
) -> Refusal | None:
    """The first rule an invoice breaks, or None. Its processor is neither the requester nor
    anyone who approved the PO (or was acted for in an approval)."""
    approvers = approved_by(decisions)
    known_numbers = {invoice.invoice_number for invoice in invoices}
    if status is not PoStatus.ISSUED:
        return Refusal("not_issued", f"a {status_words(status)} purchase order takes no invoice")
    if not request.actor_is_finance:
        return Refusal("not_entitled", "finance records invoices")
    if request.actor == requester or request.actor in approvers:
        return Refusal(
            "segregation_of_duties",
            f"{request.actor} requested or approved this purchase order and may not process "
            "its invoices",
        )
    number = request.invoice_number.strip()
    if not number:
        return Refusal("invoice_number_required", "an invoice number is required")
    if number in known_numbers:
        return Refusal("duplicate_invoice", f"invoice {number} is already recorded on this PO")
    if request.amount_minor <= 0:
        return Refusal("invalid_amount", "an invoice amount must be positive")
    return None


def fully_invoiced(invoices: list[InvoiceRecord], amount_minor: int) -> bool:
    """Whether the invoices reach the PO's amount (its ceiling, for a blanket PO)."""
    return amount_minor > 0 and sum(i.amount_minor for i in invoices) >= amount_minor
