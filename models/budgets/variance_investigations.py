"""The variance investigations' table, written by their workflows' activity and read by the
variance report: one row per investigation (keyed by its workflow id), a projection written again
at each change, never the record of truth."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, String, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, insert
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import Text

from domain.variance_investigation import VarianceView
from models.base import Base


class VarianceInvestigationRow(Base):
    __tablename__ = "variance_investigations"

    workflow_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    cost_center: Mapped[str] = mapped_column(String(40))
    gl_account: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    budget_minor: Mapped[int] = mapped_column(BigInteger)
    actual_minor: Mapped[int] = mapped_column(BigInteger)
    forecast_minor: Mapped[int | None] = mapped_column(BigInteger)
    breached: Mapped[list[str]] = mapped_column(ARRAY(Text))
    owner: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    waiting_on: Mapped[list[str]] = mapped_column(ARRAY(Text))
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def project_variance(session: Session, workflow_id: str, view: VarianceView, at: datetime) -> None:
    """Write the investigation as its workflow holds it now."""
    start = view.start
    values = {
        "workflow_id": workflow_id,
        "period": start.period,
        "cost_center": start.cost_center,
        "gl_account": start.gl_account,
        "currency": start.currency,
        "budget_minor": start.budget_minor,
        "actual_minor": start.actual_minor,
        "forecast_minor": start.forecast_minor,
        "breached": list(start.breached),
        "owner": view.owner,
        "status": str(view.status),
        "waiting_on": list(view.waiting_on),
        "history": [asdict(entry) for entry in view.history],
        "opened_at": at,
        "updated_at": at,
    }
    statement = insert(VarianceInvestigationRow).values(**values)
    kept = ("workflow_id", "opened_at")
    changed = {k: statement.excluded[k] for k in values if k not in kept}
    session.execute(statement.on_conflict_do_update(index_elements=["workflow_id"], set_=changed))


def variance_rows(
    session: Session,
    *,
    period: str | None = None,
    status: str | None = None,
    cost_centers: list[str] | None = None,
) -> list[VarianceInvestigationRow]:
    """The investigations, newest period first, then by line; only ``cost_centers`` when given
    (an owner's scope), of one period or status when given."""
    query = select(VarianceInvestigationRow)
    if period:
        query = query.where(VarianceInvestigationRow.period == period)
    if status:
        query = query.where(VarianceInvestigationRow.status == status)
    if cost_centers is not None:
        query = query.where(VarianceInvestigationRow.cost_center.in_(cost_centers))
    order = (
        VarianceInvestigationRow.period.desc(),
        VarianceInvestigationRow.cost_center,
        VarianceInvestigationRow.gl_account,
    )
    return list(session.scalars(query.order_by(*order)))


def variance_row(session: Session, workflow_id: str) -> VarianceInvestigationRow | None:
    return session.get(VarianceInvestigationRow, workflow_id)
