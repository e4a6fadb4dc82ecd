"""How each person wants to be told: by e-mail, in chat, and whether news that asks nothing of
them waits for a daily digest. A person with no row gets e-mail only, at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, IntPk
from models.people.records import User


class NotificationPreference(Base):
    """One person's channels; absent means the defaults of ``Preferences``."""

    __tablename__ = "notification_preferences"

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    email: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    chat: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


@dataclass(frozen=True)
class Preferences:
    """``digest`` holds e-mail that asks for no decision until the next digest; it applies only
    while ``email`` is on."""

    email: bool = True
    chat: bool = False
    digest: bool = False


def preferences_of(session: Session, username: str) -> Preferences:
    """The person's choice, or the defaults when they never made one (or are unknown)."""
    row = session.scalar(
        select(NotificationPreference)
        .join(User, User.id == NotificationPreference.user_id)
        .where(User.username == username)
    )
    if row is None:
        return Preferences()
    return Preferences(email=row.email, chat=row.chat, digest=row.digest)


def set_preferences(session: Session, username: str, preferences: Preferences) -> Preferences:
    """Store the person's choice, replacing any earlier one; LookupError for an unknown user."""
    user_id = session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        raise LookupError(f"no user {username!r}")
    choice = {"email": preferences.email, "chat": preferences.chat, "digest": preferences.digest}
    session.execute(
        insert(NotificationPreference)
        .values(user_id=user_id, **choice)
        .on_conflict_do_update(
            index_elements=["user_id"], set_={**choice, "updated_at": func.now()}
        )
    )
    return preferences
