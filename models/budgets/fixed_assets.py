"""Fixed assets: capital purchases (a PO whose requisition has an asset tag, or an asset
imported from a register) and the terms their depreciation schedule is built from. The
schedule itself is worked out (domain/depreciation.py), never stored; what was booked of it is
in the ledger, one ``actual`` entry per asset and month."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.depreciation import DepreciationMethod
from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits, string_enum


class FixedAsset(Base):
    __tablename__ = "fixed_assets"
    __table_args__ = (
        CheckConstraint("cost_minor >= 0", name="cost_not_negative"),
        CheckConstraint("salvage_minor BETWEEN 0 AND cost_minor", name="salvage_within_cost"),
        CheckConstraint("life_months BETWEEN 1 AND 1200", name="life_in_months"),
    )

    id: Mapped[IntPk]
    tag: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(300))
    po_number: Mapped[str | None] = mapped_column(String(40), index=True)
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"))
    gl_account_id: Mapped[int] = mapped_column(ForeignKey("gl_accounts.id"))
    cost_minor: Mapped[MinorUnits]
    salvage_minor: Mapped[MinorUnits]
    currency: Mapped[CurrencyCode]
    method: Mapped[DepreciationMethod] = mapped_column(
        string_enum(DepreciationMethod, "depreciation_method")
    )
    life_months: Mapped[int] = mapped_column(Integer)
    in_service: Mapped[date] = mapped_column(Date)
    # NULL: registered by the monthly depreciation run, not by a person.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
