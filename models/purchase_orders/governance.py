"""Delegations, emergency exceptions and API idempotency keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, String, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, CreatedAt, IntPk


class DelegationRow(Base):
    """Out of office: the delegate decides for the delegator between two instants, in a scope."""

    __tablename__ = "delegations"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[IntPk]
    delegator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cost_centers: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    max_amount_base_minor: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]


class EmergencyException(Base):
    """A PO issued on one emergency approval, kept for the periodic bypass review."""

    __tablename__ = "emergency_exceptions"

    po_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    justification: Mapped[str] = mapped_column(String(4000))
    incident_ref: Mapped[str | None] = mapped_column(String(80))
    approved_by: Mapped[str] = mapped_column(String(80))
    post_facto_due: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    post_facto_outcome: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[CreatedAt]


class IdempotencyKey(Base):
    """An API ``Idempotency-Key``: the same key from the same caller returns the same PO, if it
    comes with the same requisition (``request_digest``; None for keys stored before it was)."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    po_number: Mapped[str] = mapped_column(String(40))
    request_digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[CreatedAt]


def first_used(session: Session, key: str) -> datetime | None:
    """When anyone first raised a PO with the ``Idempotency-Key`` ``key``; None if never."""
    return session.scalar(
        select(func.min(IdempotencyKey.created_at)).where(IdempotencyKey.key == key)
    )
