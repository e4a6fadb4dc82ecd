"""Corporate-card transactions imported from a card issuer's CSV export: what was paid to
whom outside purchase orders. A file's rows are kept once (by the file's SHA-256 and row), so
importing the same file twice adds nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits


class CardTransaction(Base):
    __tablename__ = "card_transactions"
    __table_args__ = (UniqueConstraint("file_sha256", "file_row"),)

    id: Mapped[IntPk]
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_row: Mapped[int] = mapped_column(Integer)
    transaction_date: Mapped[date] = mapped_column(Date, index=True)
    merchant: Mapped[str] = mapped_column(String(200))
    amount_minor: Mapped[MinorUnits]
    currency: Mapped[CurrencyCode]
    card_holder: Mapped[str] = mapped_column(String(200))
    mcc: Mapped[str] = mapped_column(String(4), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[CreatedAt]
