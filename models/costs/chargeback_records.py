"""Chargeback statements and their charges. A statement is one run for a month: a new version
beside the earlier ones (the newest is the month's statement), made from one allocation run
under the unit-cost model and rate card in force, in chargeback mode (its charges posted to the
ledger) or showback mode (only reported). Its charges are kept as priced, exact and in minor
units, never recomputed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits


class ChargebackStatement(Base):
    __tablename__ = "chargeback_statements"
    __table_args__ = (
        UniqueConstraint("period", "version"),
        CheckConstraint("mode IN ('chargeback', 'showback')", name="mode_is_known"),
    )

    id: Mapped[IntPk]
    period: Mapped[date] = mapped_column(Date)  # the billing period's first day
    version: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(20))
    allocation_run_id: Mapped[int] = mapped_column(BigInteger)
    unit_cost_model_version: Mapped[int | None] = mapped_column(Integer)
    rate_card_version: Mapped[int | None] = mapped_column(Integer)
    gl_account_id: Mapped[int | None] = mapped_column(ForeignKey("gl_accounts.id"))
    currency: Mapped[CurrencyCode]
    run_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    run_at: Mapped[CreatedAt]


class ChargebackCharge(Base):
    """One charge: what a cost center consumed of a service (or of no service) by one rule,
    at which rate, and what it is charged."""

    __tablename__ = "chargeback_charges"

    id: Mapped[IntPk]
    statement_id: Mapped[int] = mapped_column(ForeignKey("chargeback_statements.id"), index=True)
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"))
    business_unit_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("it_services.id"))
    provider_cost_center_id: Mapped[int | None] = mapped_column(ForeignKey("cost_centers.id"))
    rule: Mapped[str] = mapped_column(String(200))
    cost: Mapped[Decimal] = mapped_column(Numeric(asdecimal=True))  # allocated, exact
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(asdecimal=True))
    unit: Mapped[str] = mapped_column(String(40))
    rate: Mapped[Decimal | None] = mapped_column(Numeric(asdecimal=True))
    basis: Mapped[str] = mapped_column(String(20))  # markup, benchmark or at_cost
    inter_entity: Mapped[bool] = mapped_column(Boolean)
    transfer_markup_percent: Mapped[Decimal | None] = mapped_column(Numeric(asdecimal=True))
    amount: Mapped[Decimal] = mapped_column(Numeric(asdecimal=True))  # charged, exact
    amount_minor: Mapped[MinorUnits]
    currency: Mapped[CurrencyCode]
    line_count: Mapped[int] = mapped_column(BigInteger)
