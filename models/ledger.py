"""The budget ledger: append-only entries; balances are sums, never stored."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits


class LedgerEntry(Base):
    """One movement of a PO against a budget line, in base currency.

    reserve: reserved +x; commit: reserved -x, committed +x; release: reserved or committed -x.
    """

    __tablename__ = "ledger_entries"

    id: Mapped[IntPk]
    kind: Mapped[str] = mapped_column(String(20))
    po_number: Mapped[str] = mapped_column(String(40), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"))
    gl_account_id: Mapped[int] = mapped_column(ForeignKey("gl_accounts.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)
    reserved_delta_minor: Mapped[MinorUnits]
    committed_delta_minor: Mapped[MinorUnits]
    currency: Mapped[CurrencyCode]
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[CreatedAt]
