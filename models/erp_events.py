"""Status updates the ERP sent about the orders it holds, each kept once by the ERP's event id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, func
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from adapters.ports import ErpStatusEvent
from models.base import Base, IntPk


class ErpStatusRow(Base):
    __tablename__ = "erp_status_events"

    id: Mapped[IntPk]
    event_id: Mapped[str] = mapped_column(String(200), unique=True)
    erp_reference: Mapped[str] = mapped_column(String(100))
    po_number: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


def keep_event(session: Session, event: ErpStatusEvent, payload: dict[str, Any]) -> bool:
    """Store the event; False when its event id was stored before."""
    stored = session.execute(
        insert(ErpStatusRow)
        .values(
            event_id=event.event_id,
            erp_reference=event.erp_reference,
            po_number=event.po_number,
            status=event.status,
            occurred_at=event.occurred_at,
            payload=payload,
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(ErpStatusRow.id)
    ).scalar()
    return stored is not None
