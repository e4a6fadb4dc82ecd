"""Notifications held for a person's digest: kept once per idempotency key, then sent together
in one e-mail and marked sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, CreatedAt, IntPk


class DigestItem(Base):
    """A message held for ``username``'s next digest; ``sent_at`` is set once it went out."""

    __tablename__ = "digest_items"

    id: Mapped[IntPk]
    username: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    po_number: Mapped[str | None] = mapped_column(String(40))
    facts: Mapped[dict[str, Any]] = mapped_column(JSONB)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[CreatedAt]
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def hold(
    session: Session,
    username: str,
    *,
    kind: str,
    subject: str,
    po_number: str | None,
    facts: dict[str, Any],
    idempotency_key: str,
) -> bool:
    """Keep the message for the digest; False when it was kept already under that key."""
    held = session.execute(
        insert(DigestItem)
        .values(
            username=username,
            kind=kind,
            subject=subject[:300],
            po_number=po_number,
            facts=facts,
            idempotency_key=idempotency_key,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(DigestItem.id)
    ).scalar()
    return held is not None


def people_waiting(session: Session, until: datetime) -> list[str]:
    """Who has messages held at or before ``until`` and not yet sent."""
    return list(
        session.scalars(
            select(DigestItem.username)
            .where(DigestItem.sent_at.is_(None), DigestItem.created_at <= until)
            .distinct()
            .order_by(DigestItem.username)
        )
    )


def claim_waiting(session: Session, username: str, until: datetime) -> list[DigestItem]:
    """The person's unsent messages held at or before ``until``, oldest first, locked for the
    caller's transaction; rows another sender holds are skipped, so no message goes twice."""
    return list(
        session.scalars(
            select(DigestItem)
            .where(
                DigestItem.username == username,
                DigestItem.sent_at.is_(None),
                DigestItem.created_at <= until,
            )
            .order_by(DigestItem.id)
            .with_for_update(skip_locked=True)
        )
    )


def mark_sent(session: Session, item_ids: Sequence[int], at: datetime) -> None:
    session.execute(update(DigestItem).where(DigestItem.id.in_(item_ids)).values(sent_at=at))
