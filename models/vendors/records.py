"""Vendors, their master service agreements (MSAs) and the catalog priced under each MSA."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.catalog import ServiceType, VendorStatus
from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits, string_enum


class Vendor(Base):
    __tablename__ = "vendors"

    id: Mapped[IntPk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[VendorStatus] = mapped_column(string_enum(VendorStatus, "vendor_status"))
    country: Mapped[str] = mapped_column(String(2))
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[CreatedAt]


class Contract(Base):
    """A master service agreement: the terms every PO with the vendor falls under."""

    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),
        CheckConstraint("notice_days >= 0", name="notice_not_negative"),
    )

    id: Mapped[IntPk]
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    reference: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    notice_days: Mapped[int] = mapped_column(Integer, default=90)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)


class CatalogItem(Base):
    """A priced item of an MSA; the price is the most a PO line may pay without a flag."""

    __tablename__ = "catalog_items"
    __table_args__ = (
        UniqueConstraint("contract_id", "sku"),
        CheckConstraint("msa_unit_price_minor >= 0", name="price_not_negative"),
    )

    id: Mapped[IntPk]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    sku: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(300))
    service_type: Mapped[ServiceType] = mapped_column(string_enum(ServiceType, "service_type"))
    gl_account_id: Mapped[int] = mapped_column(ForeignKey("gl_accounts.id"))
    unit: Mapped[str] = mapped_column(String(40), default="each")
    msa_unit_price_minor: Mapped[MinorUnits]
    currency: Mapped[CurrencyCode]
