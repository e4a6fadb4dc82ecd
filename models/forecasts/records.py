"""Dated forecast adjustments: spend planned on a budget line in a future fiscal period that its
history cannot show (a project ramp, a known one-off), added to the line's forecast."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits, string_enum


class AdjustmentKind(StrEnum):
    PROJECT_RAMP = "project_ramp"
    OTHER = "other"


class ForecastAdjustment(Base):
    """An amount (in the base currency; negative lowers the forecast) planned on a cost center
    x GL account line in one fiscal period. Finance and admins may delete one."""

    __tablename__ = "forecast_adjustments"
    __table_args__ = (
        CheckConstraint("period BETWEEN 1 AND 12", name="period_is_a_month"),
        Index("ix_forecast_adjustments_line", "cost_center_id", "gl_account_id", "fiscal_year"),
    )

    id: Mapped[IntPk]
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"))
    gl_account_id: Mapped[int] = mapped_column(ForeignKey("gl_accounts.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[MinorUnits]
    currency: Mapped[CurrencyCode]
    kind: Mapped[AdjustmentKind] = mapped_column(
        string_enum(AdjustmentKind, "forecast_adjustment_kind")
    )
    note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[CreatedAt]
