"""Inbound invoices as a cXML InvoiceDetailRequest and as a UBL 2.1 / PEPPOL BIS invoice: the
same invoice of Contoso Software in both formats (tests/data/invoices) is read to the same
lines, tax and total in exact minor units and is recognised as one invoice, however often and
in whichever format it arrives; a document that breaks its DTD or the published UBL schema, one
that declares entities of its own, or one whose amounts are too fine or do not add up is
refused, naming the rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.cxml_invoices import read_cxml_invoice
from adapters.invoice_documents import read_invoice_document
from adapters.ubl_invoices import read_ubl_invoice
from domain.inbound_invoices import (
    InboundInvoice,
    InboundInvoiceLine,
    InvoiceDocumentRefused,
    InvoiceFormat,
)

DATA = Path(__file__).parents[1] / "data" / "invoices"
CXML = (DATA / "contoso-invoice.cxml.xml").read_text(encoding="utf-8")
UBL = (DATA / "contoso-invoice.ubl.xml").read_text(encoding="utf-8")
Reader = Callable[[bytes], InboundInvoice]


def _variant(document: str, old: str, new: str, count: int = 1) -> bytes:
    assert document.count(old) >= count, f"{old!r} is not in the sample"
    return document.replace(old, new, count).encode()


def _refusal(reader: Reader, raw: bytes) -> InvoiceDocumentRefused:
    with pytest.raises(InvoiceDocumentRefused) as refused:
        reader(raw)
    return refused.value


def _lines(tax: tuple[int | None, int | None]) -> tuple[InboundInvoiceLine, ...]:
    suite = "Contoso Developer Suite, annual subscription per seat"
    return (
        InboundInvoiceLine("1", suite, Decimal(60), 49_900, 2_994_000, tax[0], "1"),
        InboundInvoiceLine("2", "Onboarding workshop, on site", Decimal(2), 135_000, 270_000,
                           tax[1], "2"),
    )  # fmt: skip


def test_the_cxml_invoice_is_read_with_its_lines_tax_and_total_in_minor_units() -> None:
    assert read_cxml_invoice(CXML.encode()) == InboundInvoice(
        InvoiceFormat.CXML, "Contoso Software GmbH", "AN01000000087", "CS-INV-2026-1187",
        date(2026, 11, 30), "EUR", "PO-1010", _lines((568_860, 51_300)), 620_160, 3_884_160,
    )  # fmt: skip


def test_the_ubl_invoice_is_read_with_its_lines_tax_and_total_in_minor_units() -> None:
    assert read_ubl_invoice(UBL.encode()) == InboundInvoice(
        InvoiceFormat.UBL, "Contoso Software GmbH", "DE123456789", "CS-INV-2026-1187",
        date(2026, 11, 30), "EUR", "PO-1010", _lines((None, None)), 620_160, 3_884_160,
    )  # fmt: skip


def test_a_duplicate_delivered_twice_in_each_format_is_one_invoice_of_one_vendor() -> None:
    first = read_cxml_invoice(CXML.encode())
    # The supplier's network resends it: a new payloadID and timestamp, the name in capitals.
    resent = _variant(CXML, "1764490500.4821@", "1764577200.0007@")
    resent_cxml = read_cxml_invoice(
        resent.decode().replace(">Contoso Software GmbH<", ">CONTOSO SOFTWARE GMBH<").encode()
    )
    ubl = read_ubl_invoice(UBL.encode())
    # The PEPPOL copy again, its party name without the legal form.
    resent_ubl = read_ubl_invoice(
        _variant(UBL, "<cbc:Name>Contoso Software GmbH", "<cbc:Name>Contoso Software")
    )
    keys = {invoice.duplicate_key for invoice in (first, resent_cxml, ubl, resent_ubl)}
    assert keys == {("contoso software", "cs-inv-2026-1187")}
    other_vendor = _variant(UBL, "<cbc:Name>Contoso Software GmbH", "<cbc:Name>Fabrikam Consulting")
    assert read_ubl_invoice(other_vendor).duplicate_key != first.duplicate_key


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('invoiceID="CS-INV-2026-1187" ', "", "attribute invoiceID"),
        (
            "<PaymentTerm",
            "<InvoiceDetailShipping/><PaymentTerm",
            "No declaration for element InvoiceDetailShipping",
        ),
        ('<Money currency="EUR">499.00', "<Money>499.00", "attribute currency"),
        ("<DueAmount>", "<DepositAmount/><DueAmount>", "No declaration for element DepositAmount"),
    ],
    ids=["no-invoiceID", "shipping-not-declared", "money-without-currency", "deposit-not-declared"],
)
def test_a_cxml_invoice_breaking_the_dtd_is_refused_with_the_dtds_message(
    old: str, new: str, message: str
) -> None:
    refusal = _refusal(read_cxml_invoice, _variant(CXML, old, new))
    assert refusal.rule == "schema_invalid"
    assert refusal.message.startswith("InvoiceDetailRequest.dtd: ")
    assert message in refusal.message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("<cbc:IssueDate>2026-11-30", "<cbc:IssueDate>30.11.2026", "IssueDate"),
        (
            '<cbc:PayableAmount currencyID="EUR">38841.60',
            '<cbc:PayableAmount currencyID="EUR">EUR 38841.60',
            "PayableAmount",
        ),
        (
            "<cbc:ID>PO-1010</cbc:ID>\n  </cac:OrderReference>",
            "</cac:OrderReference>",
            "OrderReference",
        ),
        (
            '<cbc:TaxAmount currencyID="EUR">6201.60</cbc:TaxAmount>\n    <cac:TaxSubtotal>',
            "<cac:TaxSubtotal>",
            "TaxSubtotal",
        ),
        ("<Invoice xmlns=", "<CreditNote xmlns=", "No matching global declaration"),
    ],
    ids=[
        "date-not-iso",
        "amount-not-decimal",
        "order-reference-without-id",
        "tax-total-without-amount",
        "credit-note",
    ],
)
def test_a_ubl_invoice_breaking_the_oasis_schema_is_refused_with_its_message(
    old: str, new: str, message: str
) -> None:
    document = UBL.replace("</Invoice>", "</CreditNote>") if "CreditNote" in new else UBL
    refusal = _refusal(read_ubl_invoice, _variant(document, old, new))
    assert refusal.rule == "schema_invalid"
    assert refusal.message.startswith("UBL-Invoice-2.1.xsd: line ")
    assert message in refusal.message


XXE = '<!DOCTYPE {root} [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
BOMB = '<!DOCTYPE {root} [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'


@pytest.mark.parametrize("declaration", [XXE, BOMB], ids=["external-entity", "entity-expansion"])
@pytest.mark.parametrize(
    ("reader", "document", "root", "field"),
    [
        (read_cxml_invoice, CXML, "cXML", "<SupplierPartID>CS-DEVSUITE"),
        (read_ubl_invoice, UBL, "Invoice", "<cbc:Note>Annual subscription"),
    ],
    ids=["cxml", "ubl"],
)
def test_a_document_declaring_entities_of_its_own_is_refused_unread(
    reader: Reader, document: str, root: str, field: str, declaration: str
) -> None:
    entity = "&secret;" if "secret" in declaration else "&b;"
    body = document.split("\n", 1)[1]  # without the XML declaration
    if root == "cXML":
        body = body.split("\n", 1)[1]  # and without the cXML DOCTYPE line
    raw = (
        declaration.format(root=root)
        + "\n"
        + body.replace(field, field.replace(">", f">{entity}", 1))
    )
    refusal = _refusal(reader, raw.encode())
    assert refusal.rule == "entity_declared"
    assert "declares a DTD subset or entities" in refusal.message


@pytest.mark.parametrize(
    ("reader", "document", "old", "new", "named"),
    [
        (read_cxml_invoice, CXML, '"EUR">499.00', '"EUR">499.005', "line 1 UnitPrice: 499.005"),
        (read_cxml_invoice, CXML, '"EUR">513.00', '"EUR">513.001', "line 2 Tax: 513.001"),
        (
            read_ubl_invoice,
            UBL,
            '"EUR">1350.00',
            '"EUR">1350.0049',
            "line 2 PriceAmount: 1350.0049",
        ),
        (
            read_ubl_invoice,
            UBL,
            'PayableAmount currencyID="EUR">38841.60',
            'PayableAmount currencyID="EUR">38841.605',
            "PayableAmount: 38841.605",
        ),
    ],
    ids=["cxml-unit-price", "cxml-line-tax", "ubl-price", "ubl-payable"],
)
def test_an_amount_with_more_decimals_than_the_currency_allows_is_refused(
    reader: Reader, document: str, old: str, new: str, named: str
) -> None:
    refusal = _refusal(reader, _variant(document, old, new))
    assert refusal.rule == "amount_precision"
    assert f"{named} has more decimals than EUR allows (2)" in refusal.message


@pytest.mark.parametrize(
    ("reader", "document", "old", "new", "message"),
    [
        (
            read_cxml_invoice,
            CXML,
            '"EUR">2700.00',
            '"EUR">2710.00',
            "SubtotalAmount is 32,640.00 EUR but its parts add up to 32,650.00 EUR",
        ),
        (
            read_cxml_invoice,
            CXML,
            '<DueAmount>\n          <Money currency="EUR">38841.60',
            '<DueAmount>\n          <Money currency="EUR">38841.70',
            "the amount payable is 38,841.70 EUR but its parts add up to 38,841.60 EUR",
        ),
        (
            read_ubl_invoice,
            UBL,
            'LineExtensionAmount currencyID="EUR">2700.00',
            'LineExtensionAmount currencyID="EUR">2600.00',
            "LineExtensionAmount is 32,640.00 EUR but its parts add up to 32,540.00 EUR",
        ),
        (
            read_ubl_invoice,
            UBL,
            'PayableAmount currencyID="EUR">38841.60',
            'PayableAmount currencyID="EUR">38000.00',
            "the amount payable is 38,000.00 EUR but its parts add up to 38,841.60 EUR",
        ),
    ],
    ids=["cxml-subtotal", "cxml-due", "ubl-line-extension", "ubl-payable"],
)
def test_lines_that_do_not_add_up_to_the_total_are_refused(
    reader: Reader, document: str, old: str, new: str, message: str
) -> None:
    refusal = _refusal(reader, _variant(document, old, new))
    assert refusal.rule == "lines_do_not_add_up"
    assert message in refusal.message


def test_an_amount_in_another_currency_than_the_invoice_is_refused() -> None:
    cxml = _refusal(read_cxml_invoice, _variant(CXML, '"EUR">1350.00', '"USD">1350.00'))
    assert (cxml.rule, cxml.message) == (
        "currency_mismatch",
        "line 2 UnitPrice is in USD, the invoice in EUR",
    )
    ubl = _refusal(
        read_ubl_invoice,
        _variant(UBL, 'PriceAmount currencyID="EUR">499.00', 'PriceAmount currencyID="CHF">499.00'),
    )
    assert (ubl.rule, ubl.message) == (
        "currency_mismatch",
        "line 1 PriceAmount is in CHF, the invoice in EUR",
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [('purpose="standard"', 'purpose="creditMemo"'), ('operation="new"', 'operation="delete"')],
    ids=["credit-memo", "cancellation"],
)
def test_a_cxml_credit_memo_or_cancellation_is_not_taken_as_an_invoice(old: str, new: str) -> None:
    assert _refusal(read_cxml_invoice, _variant(CXML, old, new)).rule == "unsupported_purpose"


def test_either_format_is_told_by_its_root_element_and_any_other_is_refused() -> None:
    assert read_invoice_document(CXML.encode()) == read_cxml_invoice(CXML.encode())
    assert read_invoice_document(UBL.encode()) == read_ubl_invoice(UBL.encode())
    credit_note = _variant(UBL.replace("</Invoice>", "</CreditNote>"), "<Invoice ", "<CreditNote ")
    assert _refusal(read_invoice_document, credit_note).rule == "unsupported_document"
