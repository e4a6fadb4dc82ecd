"""The spend anomalies' table: one row per finding, keyed by its series and day, written when
detection finds it and again at each change of its ``SpendAnomaly`` run (a projection)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Float, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CurrencyCode, IntPk


class SpendAnomaly(Base):
    __tablename__ = "spend_anomalies"
    __table_args__ = (
        UniqueConstraint("kind", "series_key", "day", name="uq_spend_anomalies_series_day"),
        Index("ix_spend_anomalies_day", "day"),
    )

    id: Mapped[IntPk]
    kind: Mapped[str] = mapped_column(String(20))
    series_key: Mapped[str] = mapped_column(Text)
    day: Mapped[date] = mapped_column(Date)  # a month's first day for no-owner and no-PO spend
    source: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[CurrencyCode]
    actual_minor: Mapped[int] = mapped_column(BigInteger)
    expected_minor: Mapped[int] = mapped_column(BigInteger)
    lower_minor: Mapped[int] = mapped_column(BigInteger)
    upper_minor: Mapped[int] = mapped_column(BigInteger)
    score: Mapped[float | None] = mapped_column(Float)
    impact_minor: Mapped[int] = mapped_column(BigInteger)
    owner: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    waiting_on: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    feedback: Mapped[str | None] = mapped_column(String(20))
    explanation: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(Text)
    workflow_id: Mapped[str] = mapped_column(Text)
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
