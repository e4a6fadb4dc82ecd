"""An invoice as a vendor sends it (a cXML InvoiceDetailRequest or a UBL 2.1 / PEPPOL BIS
invoice), read into one payload: amounts in minor units of the invoice's currency, never floats.
An invoice is refused, naming its rule, when an amount has more decimals than its currency
allows, when an amount is in another currency, or when its lines and tax do not add up to what
it asks to be paid. An invoice number counts once per vendor: ``duplicate_key``."""

# No ``from __future__ import annotations``: like domain/invoicing.py, these dataclasses are meant
# to cross the workflow boundary, where Temporal's converter reads their annotations.

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from domain.money import CurrencyError, Money, check_currency
from domain.vendor_names import normalised_vendor_name


class InvoiceFormat(StrEnum):
    CXML = "cxml"
    UBL = "ubl"


class InvoiceDocumentRefused(ValueError):
    """An inbound invoice document poflow does not take; ``rule`` names the rule it breaks."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule, self.message = rule, message


@dataclass(frozen=True)
class InboundInvoiceLine:
    line_number: str
    description: str
    quantity: Decimal
    unit_price_minor: int
    amount_minor: int
    tax_minor: int | None = None  # None: the line states no tax of its own
    po_line: str | None = None  # the PO line it invoices, when the document says


@dataclass(frozen=True)
class InboundInvoice:
    format: InvoiceFormat
    vendor_name: str
    vendor_id: str | None
    invoice_number: str
    issue_date: date
    currency: str
    po_number: str | None
    lines: tuple[InboundInvoiceLine, ...]
    tax_total_minor: int
    total_payable_minor: int

    @property
    def duplicate_key(self) -> tuple[str, str]:
        return duplicate_key(self.vendor_name, self.invoice_number)


def duplicate_key(vendor_name: str, invoice_number: str) -> tuple[str, str]:
    """What makes two deliveries one invoice: the vendor's normalised name and the invoice
    number without surrounding spaces or case."""
    return normalised_vendor_name(vendor_name), invoice_number.strip().casefold()


def minor_units(amount: str, currency: str, what: str) -> int:
    """``amount`` (a decimal string as written in the document) in minor units of ``currency``;
    refused when it is no number or has more decimals than the currency allows."""
    try:
        return Money.parse(amount.strip(), check_currency(currency)).minor
    except CurrencyError as error:
        raise InvoiceDocumentRefused("invalid_currency", f"{what}: {error}") from None
    except InvalidOperation:
        raise InvoiceDocumentRefused("not_a_number", f"{what}: {amount!r} is no amount") from None
    except ValueError as error:
        raise InvoiceDocumentRefused("amount_precision", f"{what}: {error}") from None


def quantity(value: str, what: str) -> Decimal:
    try:
        parsed = Decimal(value.strip())
    except InvalidOperation:
        raise InvoiceDocumentRefused("not_a_number", f"{what}: {value!r} is no quantity") from None
    if not parsed.is_finite():
        raise InvoiceDocumentRefused("not_a_number", f"{what}: {value!r} is no quantity")
    return parsed


def document_date(value: str, what: str) -> date:
    """An ISO date, or the date part of an ISO date-time in its own offset (cXML's invoiceDate
    is ``2026-11-30T09:15:00+01:00``)."""
    try:
        text = value.strip()
        return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        raise InvoiceDocumentRefused("invalid_date", f"{what}: {value!r} is no date") from None


def same_currency(currency: str, invoice_currency: str, what: str) -> None:
    if currency != invoice_currency:
        raise InvoiceDocumentRefused(
            "currency_mismatch",
            f"{what} is in {currency or 'no currency'}, the invoice in {invoice_currency}",
        )


def check_sum(stated_minor: int, parts: Iterable[int], what: str, currency: str) -> None:
    """Refuse a document whose ``what`` is not the sum of its ``parts``."""
    total = sum(parts)
    if total != stated_minor:
        raise InvoiceDocumentRefused(
            "lines_do_not_add_up",
            f"{what} is {Money(stated_minor, currency)} but its parts add up to "
            f"{Money(total, currency)}",
        )


def checked(invoice: InboundInvoice) -> InboundInvoice:
    """The invoice, once its lines and tax add up to what it asks to be paid."""
    if not invoice.invoice_number.strip():
        raise InvoiceDocumentRefused("invoice_number_required", "the invoice has no number")
    if not invoice.vendor_name.strip():
        raise InvoiceDocumentRefused("vendor_name_required", "the invoice names no vendor")
    amounts = [line.amount_minor for line in invoice.lines]
    check_sum(
        invoice.total_payable_minor,
        [*amounts, invoice.tax_total_minor],
        "the amount payable",
        invoice.currency,
    )
    return invoice
