"""Which PO a delivered invoice may go on and what it records there: the PO's vendor however
either writes its name, the PO's currency, the net amount (lines without tax) for the invoice
Update, and texts no longer than poflow stores."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from domain.inbound_invoices import InboundInvoice, InboundInvoiceLine, InvoiceFormat
from domain.invoice_intake import invoice_request, net_minor, po_refusal, text_refusal
from domain.invoicing import InvoiceRequest


def _invoice() -> InboundInvoice:
    lines = (
        InboundInvoiceLine("1", "Architect day", Decimal(2), 135_000, 270_000, 51_300, "1"),
        InboundInvoiceLine("2", "Travel", Decimal(1), 20_000, 20_000, 3_800, "2"),
    )
    return InboundInvoice(
        InvoiceFormat.CXML, "FABRIKAM CONSULTING, LTD.", "AN-7", "F-77", date(2026, 11, 3),
        "EUR", "PO-1008", lines, 55_100, 345_100,
    )  # fmt: skip


@pytest.mark.parametrize("po_vendor", ["Fabrikam Consulting", "Fabrikam Consulting Ltd"])
def test_the_pos_vendor_under_any_spelling_takes_the_invoice(po_vendor: str) -> None:
    assert po_refusal(_invoice(), po_vendor, "EUR") is None


def test_another_vendor_or_currency_is_refused_naming_both() -> None:
    other = po_refusal(_invoice(), "Contoso Software", "EUR")
    assert other is not None and other.rule == "vendor_mismatch"
    assert "FABRIKAM CONSULTING, LTD." in other.message and "Contoso Software" in other.message
    currency = po_refusal(_invoice(), "Fabrikam Consulting", "USD")
    assert currency is not None and currency.rule == "currency_mismatch"


def test_the_update_records_the_net_amount_as_finance() -> None:
    assert net_minor(_invoice()) == 290_000
    assert invoice_request(_invoice(), "felix") == InvoiceRequest(
        "felix", "F-77", date(2026, 11, 3), 290_000, actor_is_finance=True
    )


def test_a_text_longer_than_stored_is_refused_naming_it() -> None:
    assert text_refusal(_invoice()) is None
    long_number = replace(_invoice(), invoice_number="F" * 81)
    refusal = text_refusal(long_number)
    assert refusal is not None and refusal.rule == "text_length"
    assert refusal.message.startswith("invoice number has 81 characters")
    line = replace(_invoice().lines[0], description="x" * 501)
    refusal = text_refusal(replace(_invoice(), lines=(line,)))
    assert refusal is not None and refusal.field == "line 1 description"
