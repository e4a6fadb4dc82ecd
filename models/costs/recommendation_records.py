"""The optimisation recommendations' table: one row per kind, resource and month found, written by
detection once and changed only by its status moves (docs/optimisation.md)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CurrencyCode, IntPk


class CostRecommendation(Base):
    __tablename__ = "cost_recommendations"
    __table_args__ = (
        UniqueConstraint(
            "kind", "resource_id", "period", name="uq_cost_recommendations_kind_resource_period"
        ),
        Index("ix_cost_recommendations_period", "period"),
    )

    id: Mapped[IntPk]
    kind: Mapped[str] = mapped_column(String(30))
    resource_id: Mapped[str] = mapped_column(Text)  # a commitment discount's id when unused
    period: Mapped[date] = mapped_column(Date)  # the month's first day
    billing_account_id: Mapped[str | None] = mapped_column(Text)
    service_name: Mapped[str | None] = mapped_column(Text)
    cost_center_id: Mapped[int | None] = mapped_column(ForeignKey("cost_centers.id"))
    currency: Mapped[CurrencyCode]
    cost_minor: Mapped[int] = mapped_column(BigInteger)  # the month's effective cost found
    estimated_saving_minor: Mapped[int | None] = mapped_column(BigInteger)
    owner: Mapped[str | None] = mapped_column(Text)  # None: FinOps owns it
    status: Mapped[str] = mapped_column(String(20))
    realised_saving_minor: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was dismissed
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str | None] = mapped_column(Text)
