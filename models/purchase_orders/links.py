"""Signed decision links that have been used (each works once), and who a message goes to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.notifications import Recipient
from models.base import Base
from models.people.records import User


class UsedLink(Base):
    """A decision link that has decided; its id is in the signed token, so it never works again."""

    __tablename__ = "used_links"

    link_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    used_by: Mapped[str] = mapped_column(String(80))


def claim_link(session: Session, link_id: str, used_by: str) -> bool:
    """Mark the link used in the caller's transaction; False if it was used already. A second
    claim racing this one waits on the row until this transaction ends, so only one wins."""
    claimed = session.execute(
        insert(UsedLink)
        .values(link_id=link_id, used_by=used_by)
        .on_conflict_do_nothing(index_elements=["link_id"])
        .returning(UsedLink.link_id)
    ).scalar()
    return claimed is not None


def used_link(session: Session, link_id: str) -> UsedLink | None:
    return session.get(UsedLink, link_id)


def resolve_recipient(session: Session, recipient: str) -> Recipient | None:
    """A notification's recipient (a username or an e-mail address) as an addressee; None for
    a username that names no active user."""
    if "@" in recipient:
        return Recipient(email=recipient, display_name=recipient, username=None)
    row = session.execute(
        select(User.email, User.display_name).where(User.username == recipient, User.active)
    ).first()
    if row is None:
        return None
    return Recipient(email=row.email, display_name=row.display_name, username=recipient)
