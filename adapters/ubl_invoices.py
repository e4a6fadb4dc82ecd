"""A vendor's invoice as a UBL 2.1 Invoice (the PEPPOL BIS Billing 3.0 profile's syntax), read
into an ``InboundInvoice``.

The document is parsed trusting nothing in it (adapters/inbound_xml.py) and validated against
the published OASIS UBL 2.1 schemas in ``ubl/`` (a breach is refused with the schema's message:
a CreditNote or any other document is no Invoice). Then: ``cbc:ID``, ``cbc:IssueDate``,
``cbc:DocumentCurrencyCode``, ``cac:OrderReference/cbc:ID``, the supplier's party name (else its
registration name) and endpoint id, each ``cac:InvoiceLine``, the ``cac:TaxTotal`` in the
document's currency and ``cac:LegalMonetaryTotal``. Every amount is in the document's currency
and no finer than its minor unit; the lines add up to ``LineExtensionAmount`` and, with the tax,
to ``PayableAmount`` (so allowances, charges and prepayments on the whole invoice are refused).
PEPPOL's business rules (its Schematron) are not checked here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, cast

from lxml import etree

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

INVOICE_XSD = Path(__file__).with_name("ubl") / "maindoc" / "UBL-Invoice-2.1.xsd"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
SUPPLIER = "cac:AccountingSupplierParty/cac:Party"
TOTALS = "cac:LegalMonetaryTotal"
# One schema, built once (it takes a moment); its error log is shared, so checks take turns.
_SCHEMA_TURN = threading.Lock()


@cache
def invoice_schema() -> etree.XMLSchema:
    """UBL-Invoice-2.1.xsd with the modules it imports, read from ``ubl/`` without network."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(INVOICE_XSD), parser))


def schema_violations(document: etree._Element) -> str | None:
    """What in ``document`` breaks UBL-Invoice-2.1.xsd, or ``None`` when it is valid."""
    schema = invoice_schema()
    with _SCHEMA_TURN:
        if schema.validate(document):
            return None
        entries = cast("Iterable[Any]", schema.error_log)  # lxml-stubs: not declared iterable
        return "; ".join(f"line {entry.line}: {entry.message}" for entry in entries)


def read_ubl_invoice(raw: bytes) -> InboundInvoice:
    """The invoice a UBL 2.1 Invoice carries; ``InvoiceDocumentRefused`` otherwise."""
    document = parse_untrusted(raw)
    violations = schema_violations(document)
    if violations:
        raise InvoiceDocumentRefused("schema_invalid", f"UBL-Invoice-2.1.xsd: {violations}")
    currency = text_of(document, "cbc:DocumentCurrencyCode", NS)
    lines = tuple(_line(line, currency) for line in document.iterfind("cac:InvoiceLine", NS))
    net = _amount(document, f"{TOTALS}/cbc:LineExtensionAmount", currency)
    check_sum(net, [line.amount_minor for line in lines], "LineExtensionAmount", currency)
    return checked(
        InboundInvoice(
            format=InvoiceFormat.UBL,
            vendor_name=text_of(document, f"{SUPPLIER}/cac:PartyName/cbc:Name", NS)
            or text_of(document, f"{SUPPLIER}/cac:PartyLegalEntity/cbc:RegistrationName", NS),
            vendor_id=text_of(document, f"{SUPPLIER}/cbc:EndpointID", NS) or None,
            invoice_number=text_of(document, "cbc:ID", NS),
            issue_date=document_date(text_of(document, "cbc:IssueDate", NS), "IssueDate"),
            currency=currency,
            po_number=text_of(document, "cac:OrderReference/cbc:ID", NS) or None,
            lines=lines,
            tax_total_minor=_tax_total(document, currency),
            total_payable_minor=_amount(document, f"{TOTALS}/cbc:PayableAmount", currency),
        )
    )


def _line(line: etree._Element, currency: str) -> InboundInvoiceLine:
    number = text_of(line, "cbc:ID", NS)
    what = f"line {number}"
    base = text_of(line, "cac:Price/cbc:BaseQuantity", NS)
    if base and quantity(base, f"{what} BaseQuantity") != 1:
        raise InvoiceDocumentRefused(
            "unsupported_price_basis", f"{what}: a price per {base} units is not taken"
        )
    tax = line.find("cac:TaxTotal/cbc:TaxAmount", NS)
    return InboundInvoiceLine(
        line_number=number,
        description=text_of(line, "cac:Item/cbc:Name", NS)
        or text_of(line, "cac:Item/cbc:Description", NS),
        quantity=quantity(text_of(line, "cbc:InvoicedQuantity", NS), f"{what} InvoicedQuantity"),
        unit_price_minor=_amount(line, "cac:Price/cbc:PriceAmount", currency, what),
        amount_minor=_amount(line, "cbc:LineExtensionAmount", currency, what),
        tax_minor=None if tax is None else _money(tax, currency, f"{what} TaxAmount"),
        po_line=text_of(line, "cac:OrderLineReference/cbc:LineID", NS) or None,
    )


def _tax_total(document: etree._Element, currency: str) -> int:
    """The TaxTotal in the document's currency (PEPPOL adds one in the tax currency, if other)."""
    amounts = [
        amount
        for amount in document.iterfind("cac:TaxTotal/cbc:TaxAmount", NS)
        if amount.get("currencyID") == currency
    ]
    return sum(_money(amount, currency, "TaxTotal TaxAmount") for amount in amounts)


def _amount(parent: etree._Element, path: str, currency: str, where: str = "") -> int:
    found = parent.find(path, NS)
    if found is None:  # the schema requires every amount read here
        raise InvoiceDocumentRefused("schema_invalid", f"no {path}")
    name = path.rpartition("/")[2].removeprefix("cbc:")
    return _money(found, currency, f"{where} {name}".strip())


def _money(amount: etree._Element, currency: str, what: str) -> int:
    same_currency(amount.get("currencyID", ""), currency, what)
    return minor_units(amount.text or "", currency, what)
