"""Receipts against issued POs, projected from their workflows: what was received of which line,
by whom and from where (a person, the ERP, an ITSM task), for 3-way invoice matching."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, Numeric, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.receipts import ReceiptKind, ReceiptRecord, ReceiptSource
from models.base import Base, IntPk, string_enum


class PoReceipt(Base):
    """One receipt: part or all of a PO line's quantity, received on a day."""

    __tablename__ = "po_receipts"

    id: Mapped[IntPk]
    po_number: Mapped[str] = mapped_column(ForeignKey("purchase_orders.po_number"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    receipt_number: Mapped[int] = mapped_column(Integer)
    line_number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ReceiptKind] = mapped_column(string_enum(ReceiptKind, "receipt_kind"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(asdecimal=True))
    milestone: Mapped[str | None] = mapped_column(String(500))
    received_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(4000), default="")
    source: Mapped[ReceiptSource] = mapped_column(string_enum(ReceiptSource, "receipt_source"))
    received_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)


def record_receipt(
    session: Session, po_number: str, revision: int, receipt: ReceiptRecord, key: str
) -> None:
    """Once per ``key`` (workflow id and change number): a retried projection adds nothing."""
    if session.scalar(select(PoReceipt.id).where(PoReceipt.idempotency_key == key)):
        return
    session.add(
        PoReceipt(
            po_number=po_number,
            revision=revision,
            receipt_number=receipt.number,
            line_number=receipt.line,
            kind=receipt.kind,
            quantity=receipt.quantity,
            milestone=receipt.milestone,
            received_on=receipt.received_on,
            note=receipt.note,
            source=receipt.source,
            received_by=receipt.actor,
            recorded_at=receipt.recorded_at,
            idempotency_key=key,
        )
    )


def receipts_of(session: Session, po_number: str) -> Sequence[PoReceipt]:
    """A PO's receipts in the order they were recorded."""
    query = select(PoReceipt).where(PoReceipt.po_number == po_number)
    return session.scalars(query.order_by(PoReceipt.recorded_at, PoReceipt.id)).all()


def received_by_line(session: Session, po_number: str) -> dict[int, Decimal]:
    """The quantity received so far per PO line number (lines with no receipt left out)."""
    rows = session.execute(
        select(PoReceipt.line_number, func.sum(PoReceipt.quantity))
        .where(PoReceipt.po_number == po_number)
        .group_by(PoReceipt.line_number)
    )
    return {line: Decimal(total) for line, total in rows}
