"""Cost sources, the slices their lines are stored in, loads, quarantined rows and the daily
roll-ups the pages read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, CurrencyCode, IntPk, string_enum


class LoadStatus(StrEnum):
    LOADING = "loading"  # staged, not visible
    CURRENT = "current"  # its lines are the slice's partition
    REPLACED = "replaced"  # a newer load of the same slice took its place
    FAILED = "failed"  # nothing of it was ever visible


class CostSource(Base):
    """Where cost files come from, configured once by finance or an admin."""

    __tablename__ = "cost_sources"

    id: Mapped[IntPk]
    name: Mapped[str] = mapped_column(String(120), unique=True)
    format: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(120))
    billing_accounts: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    base_currency: Mapped[CurrencyCode]
    refresh_cycle_hours: Mapped[int] = mapped_column(Integer, server_default="24")
    latency_threshold_hours: Mapped[int] = mapped_column(Integer, server_default="72")
    column_mapping: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    # The tag keys (normalised) the tag policy names: the daily roll-ups group by these.
    tag_policy_keys: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    # Data-quality rule id -> "keep_and_flag" or "quarantine"; a rule not named keeps its default.
    quality_actions: Mapped[dict[str, str]] = mapped_column(JSONB, server_default="{}")
    # Where files are discovered: {} (uploads only), {"kind": "folder", "path": ...} or
    # {"kind": "s3", "bucket": ..., "prefix": ..., "endpoint_url": ...}.
    location: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    # Where a line of an unmapped account is booked (direct allocation's fallback).
    default_cost_center_id: Mapped[int | None] = mapped_column(ForeignKey("cost_centers.id"))
    default_gl_account_id: Mapped[int | None] = mapped_column(ForeignKey("gl_accounts.id"))
    created_at: Mapped[CreatedAt]


class AccountKind(StrEnum):
    BILLING_ACCOUNT = "billing_account"
    SUB_ACCOUNT = "sub_account"
    COMMITMENT_DISCOUNT = "commitment_discount"  # a FOCUS CommitmentDiscountId


class CostAccountMapping(Base):
    """Direct allocation: a billing account or sub-account (subscription, project) of a source
    belongs to a cost center and GL account, and optionally draws on a PO. A sub-account's
    mapping wins over its billing account's. A commitment discount (a Savings Plan's or
    reservation's ``CommitmentDiscountId``) names a contract instead: its lines draw on the
    contract's PO in force at their charge day, and are booked as their account's mapping says."""

    __tablename__ = "cost_account_mappings"
    __table_args__ = (
        UniqueConstraint("source_id", "account_kind", "account_id"),
        CheckConstraint(
            "account_kind IN ('billing_account', 'sub_account', 'commitment_discount')",
            name="account_kind_is_known",
        ),
        CheckConstraint(
            "CASE WHEN account_kind = 'commitment_discount' THEN contract_id IS NOT NULL "
            "AND cost_center_id IS NULL AND gl_account_id IS NULL AND po_number IS NULL "
            "ELSE contract_id IS NULL AND cost_center_id IS NOT NULL "
            "AND gl_account_id IS NOT NULL END",
            name="names_what_its_kind_needs",
        ),
    )

    id: Mapped[IntPk]
    source_id: Mapped[int] = mapped_column(ForeignKey("cost_sources.id", ondelete="CASCADE"))
    account_kind: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[str] = mapped_column(Text)
    cost_center_id: Mapped[int | None] = mapped_column(ForeignKey("cost_centers.id"))
    gl_account_id: Mapped[int | None] = mapped_column(ForeignKey("gl_accounts.id"))
    po_number: Mapped[str | None] = mapped_column(String(40))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    created_at: Mapped[CreatedAt]


class CostInvoiceTotal(Base):
    """An invoice's total as the provider billed it, entered or imported, to reconcile against
    the sum of the cost lines carrying its invoice id."""

    __tablename__ = "cost_invoice_totals"
    __table_args__ = (UniqueConstraint("source_id", "invoice_id"),)

    id: Mapped[IntPk]
    source_id: Mapped[int] = mapped_column(ForeignKey("cost_sources.id", ondelete="CASCADE"))
    invoice_id: Mapped[str] = mapped_column(Text)
    billing_period_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    currency: Mapped[CurrencyCode]
    total: Mapped[Decimal] = mapped_column(Numeric)
    tax: Mapped[Decimal | None] = mapped_column(Numeric)
    entered_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[CreatedAt]


class CostReconciliation(Base):
    """Per load and invoice id: the lines' sum against the invoice total, the difference
    classified, listed until explained."""

    __tablename__ = "cost_reconciliations"
    __table_args__ = (UniqueConstraint("load_id", "invoice_id"),)

    id: Mapped[IntPk]
    slice_id: Mapped[int] = mapped_column(ForeignKey("cost_slices.id"), index=True)
    load_id: Mapped[int] = mapped_column(ForeignKey("cost_loads.id"))
    invoice_id: Mapped[str] = mapped_column(Text)
    currency: Mapped[str | None] = mapped_column(String(3))
    lines_total: Mapped[Decimal] = mapped_column(Numeric)
    lines_tax: Mapped[Decimal] = mapped_column(Numeric, server_default="0")
    invoice_total: Mapped[Decimal | None] = mapped_column(Numeric)
    difference: Mapped[Decimal | None] = mapped_column(Numeric)
    classification: Mapped[str] = mapped_column(String(20))  # domain/costs/settlement.py
    explanation: Mapped[str | None] = mapped_column(Text)
    explained_by: Mapped[str | None] = mapped_column(String(80))
    explained_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]


class CostSourceOwner(Base):
    """Who is told about a source's loads, failures and late data."""

    __tablename__ = "cost_source_owners"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("cost_sources.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class CostSlice(Base):
    """One (source, billing account, billing period): the unit a load replaces whole. Its id is
    the LIST value of its partition; ``current_load_id`` names the load whose lines it holds."""

    __tablename__ = "cost_slices"
    __table_args__ = (UniqueConstraint("source_id", "billing_account_id", "billing_period_start"),)

    id: Mapped[IntPk]
    source_id: Mapped[int] = mapped_column(ForeignKey("cost_sources.id"))
    billing_account_id: Mapped[str] = mapped_column(Text)
    billing_period_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    current_load_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("cost_loads.id", use_alter=True), nullable=True
    )


class CostLoad(Base):
    """One file (or one account's part of it) loaded into one slice."""

    __tablename__ = "cost_loads"

    id: Mapped[IntPk]
    source_id: Mapped[int] = mapped_column(ForeignKey("cost_sources.id"), index=True)
    slice_id: Mapped[int] = mapped_column(ForeignKey("cost_slices.id"), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    file_hash: Mapped[str] = mapped_column(String(128))
    status: Mapped[LoadStatus] = mapped_column(string_enum(LoadStatus, "load_status"))
    rows_read: Mapped[int] = mapped_column(BigInteger, server_default="0")
    rows_loaded: Mapped[int] = mapped_column(BigInteger, server_default="0")
    rows_quarantined: Mapped[int] = mapped_column(BigInteger, server_default="0")
    started_at: Mapped[CreatedAt]
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    report: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    workflow_id: Mapped[str | None] = mapped_column(Text)
    # Progress while loading: the file's size and how far the reader got.
    bytes_total: Mapped[int] = mapped_column(BigInteger, server_default="0")
    bytes_read: Mapped[int] = mapped_column(BigInteger, server_default="0")
    rows_flagged: Mapped[int] = mapped_column(BigInteger, server_default="0")


class CostLoadFile(Base):
    """One file of a load: a slice's month may come in several files (a CUR report's parts),
    numbered in the run's order; ``report`` is what that file held for the run."""

    __tablename__ = "cost_load_files"

    load_id: Mapped[int] = mapped_column(ForeignKey("cost_loads.id"), primary_key=True)
    file_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    file_name: Mapped[str] = mapped_column(Text)
    file_hash: Mapped[str] = mapped_column(String(128), index=True)
    bytes: Mapped[int] = mapped_column(BigInteger, server_default="0")
    report: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")


class QuarantinedLine(Base):
    """A row a data-quality rule kept out of the cost lines: listed with its rule, never lost."""

    __tablename__ = "cost_quarantined_lines"

    id: Mapped[IntPk]
    load_id: Mapped[int] = mapped_column(ForeignKey("cost_loads.id"), index=True)
    file_row: Mapped[int] = mapped_column(Integer)
    file_index: Mapped[int] = mapped_column(Integer, server_default="0")
    rule: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text)
    line: Mapped[dict[str, Any]] = mapped_column(JSONB)
    invoice_id: Mapped[str | None] = mapped_column(Text)  # as the format's mapping reads them
    billed_cost: Mapped[Decimal | None] = mapped_column(Numeric)


class CostDaily(Base):
    """The daily roll-up of one slice, rebuilt in the transaction that swaps the slice in."""

    __tablename__ = "cost_daily"

    id: Mapped[IntPk]
    slice_id: Mapped[int] = mapped_column(ForeignKey("cost_slices.id"), index=True)
    usage_date: Mapped[date] = mapped_column(Date, index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("cost_sources.id"))
    provider_name: Mapped[str | None] = mapped_column(Text)
    billing_account_id: Mapped[str] = mapped_column(Text)
    sub_account_id: Mapped[str | None] = mapped_column(Text)
    service_name: Mapped[str | None] = mapped_column(Text)
    region_id: Mapped[str | None] = mapped_column(Text)
    charge_category: Mapped[str | None] = mapped_column(Text)
    billing_currency: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[dict[str, Any]] = mapped_column(JSONB)
    billed_cost: Mapped[Decimal] = mapped_column(Numeric)
    effective_cost: Mapped[Decimal] = mapped_column(Numeric)
    list_cost: Mapped[Decimal] = mapped_column(Numeric)
    contracted_cost: Mapped[Decimal] = mapped_column(Numeric)
    line_count: Mapped[int] = mapped_column(BigInteger)
    base_currency: Mapped[str | None] = mapped_column(String(3))
    billed_cost_base: Mapped[Decimal] = mapped_column(Numeric, server_default="0")
    effective_cost_base: Mapped[Decimal] = mapped_column(Numeric, server_default="0")
    cost_center_id: Mapped[int | None] = mapped_column(BigInteger)
    gl_account_id: Mapped[int | None] = mapped_column(BigInteger)
    po_number: Mapped[str | None] = mapped_column(String(40), index=True)
