"""Budget lines: the amount granted per cost center, GL account and fiscal period, versioned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits


class BudgetLine(Base):
    """One version of a budget line; the highest version of a (cost center, GL, period) is in force.

    Amounts are in the base currency. Revisions and transfers add versions with who and why;
    a transfer adds one version on each side under one ``transfer_id``. None is edited.
    """

    __tablename__ = "budget_lines"
    __table_args__ = (
        UniqueConstraint("cost_center_id", "gl_account_id", "fiscal_year", "period", "version"),
        CheckConstraint("period BETWEEN 1 AND 12", name="period_is_a_month"),
        CheckConstraint("kind IN ('original', 'revision', 'transfer')", name="kind_is_known"),
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
    )

    id: Mapped[IntPk]
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"), index=True)
    gl_account_id: Mapped[int] = mapped_column(ForeignKey("gl_accounts.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    amount_minor: Mapped[MinorUnits]
    currency: Mapped[CurrencyCode]
    kind: Mapped[str] = mapped_column(String(20), default="original", server_default="original")
    transfer_id: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(300), default="original budget")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]


class BudgetAlert(Base):
    """A budget line crossed a threshold of its budget (80 %, 100 %): raised once per threshold,
    then notified to the cost-center owner and finance."""

    __tablename__ = "budget_alerts"
    __table_args__ = (
        UniqueConstraint(
            "cost_center_id", "gl_account_id", "fiscal_year", "period", "threshold_percent"
        ),
    )

    id: Mapped[IntPk]
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"))
    gl_account_id: Mapped[int] = mapped_column(ForeignKey("gl_accounts.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)
    threshold_percent: Mapped[int] = mapped_column(Integer)
    budget_minor: Mapped[MinorUnits]
    consumed_minor: Mapped[MinorUnits]
    currency: Mapped[CurrencyCode]
    raised_at: Mapped[CreatedAt]
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
