"""Allocation runs and what they allocated: each run of a period is a new version beside the
earlier ones (the newest is ``current``); its amounts per rule and target, in minor units of
the base currency (cents for EUR, yen for JPY); the lineage of every cost line it read (its
rule, and its target when direct) and of every ledger entry a ledger pool read; and the driver
tables shared keys read (quantities per period, driver and target)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits, string_enum


class RunStatus(StrEnum):
    CURRENT = "current"  # the period's newest run
    SUPERSEDED = "superseded"  # kept beside the newer run that replaced it


class AllocationRun(Base):
    __tablename__ = "allocation_runs"
    __table_args__ = (UniqueConstraint("period", "version"),)

    id: Mapped[IntPk]
    period: Mapped[date] = mapped_column(Date)  # the billing period's first day
    version: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[int] = mapped_column(Integer)  # of the allocation model in force
    status: Mapped[RunStatus] = mapped_column(string_enum(RunStatus, "status"))
    run_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    run_at: Mapped[CreatedAt]
    line_count: Mapped[int] = mapped_column(BigInteger)


class AllocationAmount(Base):
    """One allocated amount: a rule's part for one target, or (no cost center) what stayed
    unallocated: the lines no rule matched (no rule), or a pool its key gave no weight to."""

    __tablename__ = "allocation_amounts"

    id: Mapped[IntPk]
    run_id: Mapped[int] = mapped_column(ForeignKey("allocation_runs.id"), index=True)
    rule_index: Mapped[int | None] = mapped_column(SmallInteger)
    rule_name: Mapped[str | None] = mapped_column(String(200))
    cost_center_id: Mapped[int | None] = mapped_column(ForeignKey("cost_centers.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("it_services.id"))
    currency: Mapped[CurrencyCode]
    amount_minor: Mapped[MinorUnits]
    line_count: Mapped[int] = mapped_column(BigInteger)


# A run's lineage: every line of the period it read, by its load, file and row, with the rule
# that took it (NULL: none) and, for a direct rule, its target; a pool's lines carry no target,
# the pool's parts are its amounts. Written by one INSERT … SELECT per run; no foreign key, so
# a million rows are not checked one by one (the run writes them in its own transaction).
allocation_lineage = Table(
    "allocation_lineage",
    Base.metadata,
    Column("run_id", BigInteger, nullable=False, index=True),
    Column("load_id", BigInteger, nullable=False),
    Column("file_index", Integer, nullable=False),
    Column("file_row", Integer, nullable=False),
    Column("rule_index", SmallInteger, nullable=True),
    Column("cost_center_id", BigInteger, nullable=True),
    Column("service_id", BigInteger, nullable=True),
    Column("currency", String(3), nullable=False),
    Column("amount", Numeric(asdecimal=True), nullable=False),
)


# The ledger entries a run's ledger pools read: each entry once, with the rule whose pool it is
# in and its own amount (minor units of its currency).
allocation_ledger_lineage = Table(
    "allocation_ledger_lineage",
    Base.metadata,
    Column("run_id", ForeignKey("allocation_runs.id"), primary_key=True),
    Column("ledger_entry_id", ForeignKey("ledger_entries.id"), primary_key=True),
    Column("rule_index", SmallInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
)


class AllocationDriver(Base):
    """A driver's quantity for one target in one period: a cost center's code (headcount,
    storage used), or an IT service's code for an activity rule."""

    __tablename__ = "allocation_drivers"
    __table_args__ = (
        UniqueConstraint("period", "driver", "target"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )

    id: Mapped[IntPk]
    period: Mapped[date] = mapped_column(Date)
    driver: Mapped[str] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[Decimal] = mapped_column(Numeric(asdecimal=True))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[CreatedAt]
    note: Mapped[str] = mapped_column(Text, default="")


def first_instant(period: date) -> datetime:
    """The first instant of ``period``'s month, UTC: how cost lines name their billing period."""
    return datetime(period.year, period.month, 1, tzinfo=UTC)
