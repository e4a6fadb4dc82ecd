"""Subscriptions to the mailed expense summary (one per person: the cost centers asked for, or
all they may read; monthly or weekly on a day; active or not) and each summary's delivery
(sent, or undelivered with why), kept once per key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.expense_summary import Frequency
from models.base import Base, CreatedAt, IntPk, string_enum
from models.people.records import User


class ExpenseSubscription(Base):
    __tablename__ = "expense_subscriptions"
    __table_args__ = (CheckConstraint("day BETWEEN 1 AND 28", name="day_in_range"),)

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    # Empty: every cost center the person may read when each summary is sent.
    cost_centers: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default="{}")
    frequency: Mapped[Frequency] = mapped_column(string_enum(Frequency, "frequency"))
    day: Mapped[int] = mapped_column(SmallInteger)
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ExpenseSummaryDelivery(Base):
    """One summary's fate: ``sent`` or ``undelivered`` (``detail`` says why); a key sent
    before is never sent again."""

    __tablename__ = "expense_summary_deliveries"

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    month: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, server_default="")
    recorded_at: Mapped[CreatedAt]


@dataclass(frozen=True)
class Subscription:
    username: str
    cost_centers: tuple[str, ...]  # empty: all the person may read
    frequency: Frequency
    day: int
    active: bool


def subscribe(
    session: Session, user: User, cost_centers: list[str], frequency: Frequency, day: int
) -> Subscription:
    """Create or replace ``user``'s subscription, active; checked by the caller."""
    values = {"cost_centers": sorted(set(cost_centers)), "frequency": frequency, "day": day}
    session.execute(
        insert(ExpenseSubscription)
        .values(user_id=user.id, active=True, **values)
        .on_conflict_do_update(
            index_elements=["user_id"], set_={**values, "active": True, "updated_at": func.now()}
        )
    )
    found = subscription_of(session, user.username)
    assert found is not None
    return found


def unsubscribe(session: Session, user: User) -> bool:
    """Stop ``user``'s subscription (kept, inactive); whether there was an active one."""
    row = session.scalar(select(ExpenseSubscription).where(ExpenseSubscription.user_id == user.id))
    if row is None or not row.active:
        return False
    row.active = False
    return True


def subscription_of(session: Session, username: str) -> Subscription | None:
    rows = _subscriptions(session, User.username == username)
    return rows[0] if rows else None


def active_subscriptions(session: Session) -> list[Subscription]:
    """Every active subscription of an active person, by username."""
    return _subscriptions(session, ExpenseSubscription.active, User.active)


def _subscriptions(session: Session, *conditions: object) -> list[Subscription]:
    rows = session.execute(
        select(ExpenseSubscription, User.username)
        .join(User, User.id == ExpenseSubscription.user_id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(User.username)
    ).tuples()
    return [
        Subscription(name, tuple(row.cost_centers), row.frequency, row.day, row.active)
        for row, name in rows
    ]


def already_sent(session: Session, key: str) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(ExpenseSummaryDelivery)
            .where(
                ExpenseSummaryDelivery.idempotency_key == key,
                ExpenseSummaryDelivery.status == "sent",
            )
        )
    )


def record_delivery(
    session: Session, user_id: int, key: str, month: str, status: str, detail: str = ""
) -> None:
    """Record what became of the summary ``key`` (a later ``sent`` replaces ``undelivered``)."""
    values = {"status": status, "detail": detail[:2000], "recorded_at": func.now()}
    session.execute(
        insert(ExpenseSummaryDelivery)
        .values(
            user_id=user_id,
            idempotency_key=key,
            month=month,
            status=status,
            detail=values["detail"],
        )
        .on_conflict_do_update(index_elements=["idempotency_key"], set_=values)
    )


def deliveries_of(session: Session, user_id: int, limit: int = 12) -> list[ExpenseSummaryDelivery]:
    """The person's latest summaries, newest first."""
    return list(
        session.scalars(
            select(ExpenseSummaryDelivery)
            .where(ExpenseSummaryDelivery.user_id == user_id)
            .order_by(ExpenseSummaryDelivery.recorded_at.desc(), ExpenseSummaryDelivery.id.desc())
            .limit(limit)
        )
    )
