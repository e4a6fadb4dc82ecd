"""The budget ledger: append-only entries; balances are sums, never stored."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits

ENTRY_KINDS = ("reserve", "commit", "relieve", "release", "adjust", "actual")


class LedgerEntry(Base):
    """One movement on a budget line (cost center, GL account, fiscal period), in base money.

    reserve: reserved +x. commit: reserved -r, committed +x. relieve (invoice): committed -x.
    release: reserved or committed -x. actual: actual +x. adjust: any corrective deltas, or a
    commitment moved between periods (net zero). Corrections are new entries; Postgres refuses
    UPDATE and DELETE on this table.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('reserve', 'commit', 'relieve', 'release', 'adjust', 'actual')",
            name="kind_is_known",
        ),
        CheckConstraint("period BETWEEN 1 AND 12", name="period_is_a_month"),
        Index("ix_ledger_entries_line", "cost_center_id", "gl_account_id", "fiscal_year", "period"),
    )

    id: Mapped[IntPk]
    kind: Mapped[str] = mapped_column(String(20))
    po_number: Mapped[str | None] = mapped_column(String(40), index=True)
    revision: Mapped[int | None] = mapped_column(Integer)
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"))
    gl_account_id: Mapped[int] = mapped_column(ForeignKey("gl_accounts.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)
    reserved_delta_minor: Mapped[MinorUnits]
    committed_delta_minor: Mapped[MinorUnits]
    actual_delta_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    currency: Mapped[CurrencyCode]
    source_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    source_currency: Mapped[str | None] = mapped_column(String(3))
    rate: Mapped[str] = mapped_column(String(40), default="1", server_default="1")
    rate_date: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(300), default="", server_default="")
    posted_by: Mapped[str] = mapped_column(String(80), default="poflow", server_default="poflow")
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[CreatedAt]
