"""What poflow sent outside, as the built-in ERP and the outbox record it: orders and messages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, IntPk


class BuiltinErpOrder(Base):
    """A purchase order as the built-in demo ERP holds it; one per idempotency key."""

    __tablename__ = "erp_orders"

    id: Mapped[IntPk]
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    po_number: Mapped[str] = mapped_column(String(40), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[CreatedAt]


class OutboundMessage(Base):
    """A notification or ITSM update as the outbox records it."""

    __tablename__ = "outbound_messages"

    id: Mapped[IntPk]
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    po_number: Mapped[str | None] = mapped_column(String(40), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[CreatedAt]
