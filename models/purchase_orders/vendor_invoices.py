"""Invoices vendors delivered as documents (cXML or UBL), stored with their lines once they are
recorded on their PO: one row per vendor and invoice number (``duplicate_key``), the document's
SHA-256, and that of what was read from it, which tells a resend of the same invoice from
another invoice under a number already taken (docs/invoices.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    Select,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from domain.inbound_invoices import InboundInvoice, InboundInvoiceLine, InvoiceFormat
from domain.invoice_intake import net_minor
from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits, string_enum


@dataclass(frozen=True)
class Digests:
    document: str  # SHA-256 of the document's bytes as delivered
    content: str  # SHA-256 of what was read from it: a resend in a new envelope is the same


class VendorInvoice(Base):
    """One invoice as its vendor delivered it: its totals in minor units of its currency."""

    __tablename__ = "vendor_invoices"
    __table_args__ = (UniqueConstraint("vendor_key", "invoice_number_key"),)

    id: Mapped[IntPk]
    vendor_key: Mapped[str] = mapped_column(String(200))
    invoice_number_key: Mapped[str] = mapped_column(String(80))
    invoice_number: Mapped[str] = mapped_column(String(80))
    vendor_name: Mapped[str] = mapped_column(String(200))
    vendor_id: Mapped[str | None] = mapped_column(String(80))
    format: Mapped[InvoiceFormat] = mapped_column(string_enum(InvoiceFormat, "invoice_format"))
    po_number: Mapped[str] = mapped_column(ForeignKey("purchase_orders.po_number"), index=True)
    currency: Mapped[CurrencyCode]
    issue_date: Mapped[date] = mapped_column(Date)
    net_minor: Mapped[MinorUnits]
    tax_minor: Mapped[MinorUnits]
    total_minor: Mapped[MinorUnits]
    document_sha256: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    delivered_by: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[CreatedAt]
    lines: Mapped[list[VendorInvoiceLine]] = relationship(
        order_by="VendorInvoiceLine.position", lazy="raise"
    )


class VendorInvoiceLine(Base):
    """One line of a stored invoice, in the order of its document."""

    __tablename__ = "vendor_invoice_lines"
    __table_args__ = (UniqueConstraint("invoice_id", "position"),)

    id: Mapped[IntPk]
    invoice_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("vendor_invoices.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    line_number: Mapped[str] = mapped_column(String(80))
    po_line: Mapped[str | None] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Numeric(asdecimal=True))
    unit_price_minor: Mapped[MinorUnits]
    amount_minor: Mapped[MinorUnits]
    tax_minor: Mapped[int | None] = mapped_column(BigInteger)


def invoice_by_key(session: Session, key: tuple[str, str]) -> VendorInvoice | None:
    """The invoice stored under a vendor's normalised name and invoice number, with its lines."""
    query = _with_lines().where(
        VendorInvoice.vendor_key == key[0], VendorInvoice.invoice_number_key == key[1]
    )
    return session.scalars(query).first()


def store_invoice(
    session: Session, invoice: InboundInvoice, digests: Digests, delivered_by: str
) -> VendorInvoice:
    """Store ``invoice`` with its lines, unless its key is already taken; the stored one."""
    vendor_key, number_key = invoice.duplicate_key
    values = {
        "vendor_key": vendor_key,
        "invoice_number_key": number_key,
        "invoice_number": invoice.invoice_number,
        "vendor_name": invoice.vendor_name,
        "vendor_id": invoice.vendor_id,
        "format": invoice.format,
        "po_number": invoice.po_number,
        "currency": invoice.currency,
        "issue_date": invoice.issue_date,
        "net_minor": net_minor(invoice),
        "tax_minor": invoice.tax_total_minor,
        "total_minor": invoice.total_payable_minor,
        "document_sha256": digests.document,
        "content_sha256": digests.content,
        "delivered_by": delivered_by,
    }
    statement = insert(VendorInvoice).values(**values).on_conflict_do_nothing()
    invoice_id = session.scalar(statement.returning(VendorInvoice.id))
    if invoice_id is not None:
        numbered = enumerate(invoice.lines, start=1)
        session.add_all(_line(invoice_id, position, line) for position, line in numbered)
        session.flush()
    stored = invoice_by_key(session, invoice.duplicate_key)
    assert stored is not None  # just inserted, or the row that took the key first
    return stored


def invoice_by_id(session: Session, invoice_id: int) -> VendorInvoice | None:
    return session.scalars(_with_lines().where(VendorInvoice.id == invoice_id)).first()


def invoices_of(session: Session, po_number: str | None) -> Sequence[VendorInvoice]:
    """The stored invoices of a PO (of every PO when None), in the order they were received."""
    query = _with_lines().order_by(VendorInvoice.received_at, VendorInvoice.id)
    if po_number is not None:
        query = query.where(VendorInvoice.po_number == po_number)
    return session.scalars(query).all()


def _with_lines() -> Select[tuple[VendorInvoice]]:
    return select(VendorInvoice).options(selectinload(VendorInvoice.lines))


def _line(invoice_id: int, position: int, line: InboundInvoiceLine) -> VendorInvoiceLine:
    return VendorInvoiceLine(
        invoice_id=invoice_id,
        position=position,
        line_number=line.line_number,
        po_line=line.po_line,
        description=line.description,
        quantity=line.quantity,
        unit_price_minor=line.unit_price_minor,
        amount_minor=line.amount_minor,
        tax_minor=line.tax_minor,
    )
