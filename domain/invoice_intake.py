"""Taking in an invoice document a vendor delivered (docs/invoices.md): which purchase order it
may be recorded on, and what it records there. The document must name a PO of the same vendor
(names compared normalised) and be in the PO's currency; it records its net amount, the sum of
its lines without tax, as the PO's amounts are net."""

from __future__ import annotations

from domain.entitlement import Refusal
from domain.inbound_invoices import InboundInvoice
from domain.invoicing import InvoiceRequest
from domain.text_limits import LINE_TEXT, SHORT_TEXT, VENDOR_TEXT, text_refusals
from domain.validation import FieldRefusal
from domain.vendor_names import normalised_vendor_name


def net_minor(invoice: InboundInvoice) -> int:
    """What the invoice charges before tax: the sum of its lines."""
    return sum(line.amount_minor for line in invoice.lines)


def text_refusal(invoice: InboundInvoice) -> FieldRefusal | None:
    """The first text of ``invoice`` too long to store (``text_length``), or None."""
    texts = [
        ("vendor name", invoice.vendor_name, VENDOR_TEXT),
        ("vendor id", invoice.vendor_id, SHORT_TEXT),
        ("invoice number", invoice.invoice_number, SHORT_TEXT),
        ("PO number", invoice.po_number, SHORT_TEXT),
    ]
    for line in invoice.lines:
        texts += [
            (f"line {line.line_number:.20} number", line.line_number, SHORT_TEXT),
            (f"line {line.line_number:.20} PO line", line.po_line, SHORT_TEXT),
            (f"line {line.line_number:.20} description", line.description, LINE_TEXT),
        ]
    for field, text, longest in texts:
        for refusal in text_refusals(field, text, longest, multiline=False):
            return refusal
    return None


def po_refusal(invoice: InboundInvoice, po_vendor: str, po_currency: str) -> Refusal | None:
    """Why ``invoice`` cannot go on a PO of ``po_vendor`` in ``po_currency``, or None."""
    if normalised_vendor_name(invoice.vendor_name) != normalised_vendor_name(po_vendor):
        return Refusal(
            "vendor_mismatch",
            f"invoice {invoice.invoice_number} is from {invoice.vendor_name}, "
            f"purchase order {invoice.po_number} is with {po_vendor}",
        )
    if invoice.currency != po_currency:
        return Refusal(
            "currency_mismatch",
            f"invoice {invoice.invoice_number} is in {invoice.currency}, "
            f"purchase order {invoice.po_number} in {po_currency}",
        )
    return None


def invoice_request(invoice: InboundInvoice, actor: str) -> InvoiceRequest:
    """The PO workflow's invoice Update for ``invoice``, sent by finance's ``actor``."""
    return InvoiceRequest(
        actor=actor,
        invoice_number=invoice.invoice_number,
        invoice_date=invoice.issue_date,
        amount_minor=net_minor(invoice),
        actor_is_finance=True,
    )
