"""A supplier's invoice as a cXML 1.2 InvoiceDetailRequest, read into an ``InboundInvoice``.

The document is parsed trusting nothing in it (adapters/inbound_xml.py), checked against
``cxml/InvoiceDetailRequest.dtd`` (a DTD breach is refused with the DTD's message), then read:
the invoicing party's name (``InvoicePartner/Contact`` role ``from``, else ``remitTo``) and the
sender's network id, the invoice number and date, the order it invoices, each
``InvoiceDetailItem`` and the ``InvoiceDetailSummary``. Every ``Money`` is in the summary's
currency and no finer than its minor unit; the lines add up to the summary's ``SubtotalAmount``
and, with its ``Tax``, to what is due (``DueAmount``, else ``NetAmount``). Only standard, new
invoices of one order are taken: credit and debit memos, cancellations and information-only
copies are refused, naming the rule.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from adapters.erp_cxml import dtd_violations
from adapters.inbound_xml import parse_untrusted, text_of
from domain.inbound_invoices import (
    InboundInvoice,
    InboundInvoiceLine,
    InvoiceDocumentRefused,
    InvoiceFormat,
    check_sum,
    checked,
    document_date,
    minor_units,
    quantity,
    same_currency,
)

INVOICE_DETAIL_DTD = Path(__file__).with_name("cxml") / "InvoiceDetailRequest.dtd"
VENDOR_ROLES = ("from", "remitTo")  # the invoicing party, else whom to pay


def read_cxml_invoice(raw: bytes) -> InboundInvoice:
    """The invoice a cXML InvoiceDetailRequest carries; ``InvoiceDocumentRefused`` otherwise."""
    document = parse_untrusted(raw)
    violations = dtd_violations(document, INVOICE_DETAIL_DTD)
    if violations:
        raise InvoiceDocumentRefused("schema_invalid", f"InvoiceDetailRequest.dtd: {violations}")
    request = _required(document, "Request/InvoiceDetailRequest")
    header = _required(request, "InvoiceDetailRequestHeader")
    _refuse_other_purposes(header)
    summary = _required(request, "InvoiceDetailSummary")
    currency = _required(summary, "SubtotalAmount/Money").get("currency", "")
    lines = tuple(_line(item, currency) for item in request.iterfind(".//InvoiceDetailItem"))
    subtotal = _money(summary, "SubtotalAmount", currency, "InvoiceDetailSummary SubtotalAmount")
    check_sum(subtotal, [line.amount_minor for line in lines], "SubtotalAmount", currency)
    due = "DueAmount" if summary.find("DueAmount") is not None else "NetAmount"
    return checked(
        InboundInvoice(
            format=InvoiceFormat.CXML,
            vendor_name=_vendor_name(header),
            vendor_id=text_of(document, "Header/From/Credential/Identity") or None,
            invoice_number=header.get("invoiceID", ""),
            issue_date=document_date(header.get("invoiceDate", ""), "invoiceDate"),
            currency=currency,
            po_number=_order_id(request),
            lines=lines,
            tax_total_minor=_money(summary, "Tax", currency, "InvoiceDetailSummary Tax"),
            total_payable_minor=_money(summary, due, currency, f"InvoiceDetailSummary {due}"),
        )
    )


def _refuse_other_purposes(header: etree._Element) -> None:
    purpose, operation = header.get("purpose", "standard"), header.get("operation", "new")
    information_only = header.get("isInformationOnly") == "yes"
    if purpose != "standard" or operation != "new" or information_only:
        raise InvoiceDocumentRefused(
            "unsupported_purpose",
            f"only standard new invoices to pay are taken, not purpose={purpose!r} "
            f"operation={operation!r}{' information only' if information_only else ''}",
        )


def _line(item: etree._Element, currency: str) -> InboundInvoiceLine:
    number = item.get("invoiceLineNumber", "")
    what = f"line {number}"
    reference = _required(item, "InvoiceDetailItemReference")
    has_tax = item.find("Tax") is not None
    return InboundInvoiceLine(
        line_number=number,
        description=" ".join(text_of(reference, "Description").split()),
        quantity=quantity(item.get("quantity", ""), f"{what} quantity"),
        unit_price_minor=_money(item, "UnitPrice", currency, f"{what} UnitPrice"),
        amount_minor=_money(item, "SubtotalAmount", currency, f"{what} SubtotalAmount"),
        tax_minor=_money(item, "Tax", currency, f"{what} Tax") if has_tax else None,
        po_line=reference.get("lineNumber") or None,
    )


def _money(parent: etree._Element, path: str, currency: str, what: str) -> int:
    money = _required(parent, f"{path}/Money")
    same_currency(money.get("currency", ""), currency, what)
    return minor_units(money.text or "", currency, what)


def _vendor_name(header: etree._Element) -> str:
    contacts = {c.get("role"): c for c in header.iterfind("InvoicePartner/Contact")}
    for role in VENDOR_ROLES:
        if role in contacts:
            return text_of(contacts[role], "Name")
    return ""


def _order_id(request: etree._Element) -> str | None:
    references = request.iterfind("InvoiceDetailOrder/InvoiceDetailOrderInfo/OrderReference")
    orders = {reference.get("orderID", "") for reference in references}
    if len(orders) > 1:
        raise InvoiceDocumentRefused(
            "several_purchase_orders", f"one invoice invoices one order, not {sorted(orders)}"
        )
    return orders.pop() or None


def _required(parent: etree._Element, path: str) -> etree._Element:
    """An element the DTD requires; the DTD check has made sure it is there."""
    found = parent.find(path)
    if found is None:  # unreachable after the DTD check; says which element if it ever is
        raise InvoiceDocumentRefused("schema_invalid", f"no {path}")
    return found
