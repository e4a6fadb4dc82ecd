"""Only the demo organisation's people at work, for a test that asserts whom a tier of the demo
policy waits on: the finance and FinOps users other tests added to the shared demo database are
inactive for its length, then active again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from cli.demo_data import USERS
from models.db import unit_of_work
from models.people.records import User


@contextmanager
def only_the_demo_people(sessions: sessionmaker[Session]) -> Iterator[None]:
    names = [user.username for user in USERS]
    with unit_of_work(sessions) as session:
        others = session.scalars(
            select(User.id).where(User.active.is_(True), User.username.not_in(names))
        ).all()
        session.execute(update(User).where(User.id.in_(others)).values(active=False))
    try:
        yield
    finally:
        with unit_of_work(sessions) as session:
            session.execute(update(User).where(User.id.in_(others)).values(active=True))
