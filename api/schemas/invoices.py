"""Answers about invoices vendors delivered as documents: each as stored, with its lines,
amounts in minor units of its currency and quantities as exact decimal text."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from domain.inbound_invoices import InvoiceFormat


class VendorInvoiceLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    position: int
    line_number: str
    po_line: str | None
    description: str
    quantity: Decimal
    unit_price_minor: int
    amount_minor: int
    tax_minor: int | None


class VendorInvoiceOut(BaseModel):
    """An invoice as ``vendor_invoices`` holds it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    invoice_number: str
    vendor_name: str
    vendor_id: str | None
    format: InvoiceFormat
    po_number: str
    currency: str
    issue_date: date
    net_minor: int
    tax_minor: int
    total_minor: int
    document_sha256: str
    delivered_by: str
    received_at: datetime
    lines: list[VendorInvoiceLineOut]
