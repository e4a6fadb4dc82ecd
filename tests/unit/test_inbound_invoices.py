"""The rules of an inbound invoice, whatever its format: amounts in exact minor units of its
currency or refused, lines and tax adding up to what it asks to be paid, and one invoice number
per vendor however the vendor writes its name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.inbound_invoices import (
    InboundInvoice,
    InboundInvoiceLine,
    InvoiceDocumentRefused,
    InvoiceFormat,
    checked,
    document_date,
    duplicate_key,
    minor_units,
)


def _invoice(payable_minor: int, tax_minor: int = 1_900) -> InboundInvoice:
    line = InboundInvoiceLine("1", "Support hours", Decimal("2.5"), 4_000, 10_000)
    return InboundInvoice(
        InvoiceFormat.UBL, "Fabrikam Consulting", None, "F-77", date(2026, 11, 3), "EUR",
        "PO-1008", (line,), tax_minor, payable_minor,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("1234.50", "EUR", 123_450),
        ("1500", "JPY", 1_500),
        ("1.234", "KWD", 1_234),
        ("-5", "EUR", -500),
    ],
)
def test_an_amount_is_read_in_exact_minor_units_of_its_currency(
    amount: str, currency: str, minor: int
) -> None:
    assert minor_units(amount, currency, "PayableAmount") == minor


@pytest.mark.parametrize(
    ("amount", "currency"), [("12.345", "EUR"), ("1500.5", "JPY"), ("0.0001", "KWD")]
)
def test_an_amount_finer_than_its_currency_is_refused_naming_it(amount: str, currency: str) -> None:
    with pytest.raises(InvoiceDocumentRefused) as refused:
        minor_units(amount, currency, "line 2 PriceAmount")
    assert refused.value.rule == "amount_precision"
    assert f"line 2 PriceAmount: {amount} has more decimals than {currency} allows" in str(
        refused.value
    )


@pytest.mark.parametrize(
    ("amount", "currency", "rule"),
    [("12,50", "EUR", "not_a_number"), ("1", "eur", "invalid_currency")],
)
def test_no_number_or_no_currency_is_refused(amount: str, currency: str, rule: str) -> None:
    with pytest.raises(InvoiceDocumentRefused) as refused:
        minor_units(amount, currency, "TaxAmount")
    assert refused.value.rule == rule


def test_lines_and_tax_that_add_up_to_the_amount_payable_are_taken() -> None:
    assert checked(_invoice(11_900)).total_payable_minor == 11_900


def test_lines_and_tax_that_do_not_add_up_to_the_amount_payable_are_refused() -> None:
    with pytest.raises(InvoiceDocumentRefused) as refused:
        checked(_invoice(11_901))
    assert refused.value.rule == "lines_do_not_add_up"
    assert "the amount payable is 119.01 EUR but its parts add up to 119.00 EUR" in str(
        refused.value
    )


def test_one_invoice_number_counts_once_per_vendor_however_the_name_is_written() -> None:
    key = duplicate_key("Contoso Software GmbH", "CS-INV-2026-1187")
    assert duplicate_key("CONTOSO SOFTWARE, G.m.b.H.", " cs-inv-2026-1187 ") == key
    assert _invoice(11_900).duplicate_key == duplicate_key("FABRIKAM CONSULTING LTD", "f-77")
    assert duplicate_key("Fabrikam Consulting", "CS-INV-2026-1187") != key
    assert duplicate_key("Contoso Software GmbH", "CS-INV-2026-1188") != key


def test_an_issue_date_is_the_date_the_document_writes() -> None:
    assert document_date("2026-11-30", "IssueDate") == date(2026, 11, 30)
    assert document_date("2026-11-30T23:30:00-08:00", "invoiceDate") == date(2026, 11, 30)
    with pytest.raises(InvoiceDocumentRefused, match=r"invalid_date: invoiceDate: '30\.11\.2026'"):
        document_date("30.11.2026", "invoiceDate")
