"""Status updates the ERP sent about the orders it holds, each kept once by the ERP's event id,
and how far poflow has read the ERP's event feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, func, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.erp_messages import ErpStatusEvent
from models.base import Base, IntPk
from models.purchase_orders.records import PurchaseOrder


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


class ErpFeedCursor(Base):
    """The last event of a feed poflow has passed on; the next read starts after it."""

    __tablename__ = "erp_feed_cursors"

    feed: Mapped[str] = mapped_column(String(80), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


def feed_cursor(session: Session, feed: str) -> str | None:
    return session.scalar(select(ErpFeedCursor.cursor).where(ErpFeedCursor.feed == feed))


def save_feed_cursor(session: Session, feed: str, cursor: str | None) -> None:
    session.execute(
        insert(ErpFeedCursor)
        .values(feed=feed, cursor=cursor)
        .on_conflict_do_update(index_elements=["feed"], set_={"cursor": cursor})
    )


def po_workflow_for(session: Session, event: ErpStatusEvent) -> str | None:
    """The workflow of the PO the event is about, when poflow issued that PO as the event's
    order; None otherwise."""
    return session.scalar(
        select(PurchaseOrder.workflow_id).where(
            PurchaseOrder.po_number == event.po_number,
            PurchaseOrder.erp_reference == event.erp_reference,
        )
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
