"""Engines and sessions. Every process builds its engine once, from its settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker


def sqlalchemy_url(database_url: str) -> str:
    """Use the psycopg 3 driver whatever form of Postgres URL was given."""
    url = make_url(database_url)
    if url.get_backend_name() not in {"postgresql", "postgres"}:
        raise ValueError(f"poflow needs PostgreSQL, not {url.get_backend_name()}")
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def build_engine(
    database_url: str,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    connect_timeout: int = 5,
    pool_timeout: float = 30,
    pre_ping: bool = True,
) -> Engine:
    """``pre_ping`` checks each connection before use (a round trip per transaction), so a
    connection Postgres dropped is replaced instead of failing the work. Opening a connection
    gives up after ``connect_timeout`` seconds, waiting for a free one after ``pool_timeout``."""
    return create_engine(
        sqlalchemy_url(database_url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=pre_ping,
        pool_timeout=pool_timeout,
        connect_args={"connect_timeout": connect_timeout},
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any error."""
    with sessions.begin() as session:
        yield session
