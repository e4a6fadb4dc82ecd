"""Budget lines: the amount granted per cost center, GL account and fiscal period, versioned."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits


class BudgetLine(Base):
    """One version of a budget line; the highest version of a (cost center, GL, period) is in force.

    Amounts are in the base currency. Revisions and transfers add versions; none is edited.
    """

    __tablename__ = "budget_lines"
    __table_args__ = (
        UniqueConstraint("cost_center_id", "gl_account_id", "fiscal_year", "period", "version"),
        CheckConstraint("period BETWEEN 1 AND 12", name="period_is_a_month"),
    )

    id: Mapped[IntPk]
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"), index=True)
    gl_account_id: Mapped[int] = mapped_column(ForeignKey("gl_accounts.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    amount_minor: Mapped[MinorUnits]
    currency: Mapped[CurrencyCode]
    reason: Mapped[str] = mapped_column(String(300), default="original budget")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
