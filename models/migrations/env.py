"""Alembic environment: migrates the database named by the caller or by the settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from models import Base
from models.db import build_engine

config = context.config


def _database_url() -> str:
    """The caller's URL (``poflow migrate``, the tests), else the tables' owner from the settings:
    POFLOW_MIGRATION_DATABASE_URL, else DATABASE_URL. The embedded server is found by the
    ``poflow`` commands, not here."""
    given = config.attributes.get("database_url")
    if given:
        return str(given)
    from settings import Settings

    settings = Settings()
    url = settings.migration_database_url or settings.database_url
    if not url:
        raise RuntimeError(
            "no database to migrate: set POFLOW_MIGRATION_DATABASE_URL or DATABASE_URL "
            "(`poflow migrate` also finds the embedded server)"
        )
    return url


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with build_engine(_database_url(), pool_size=1).connect() as fresh_connection:
        _run(fresh_connection)
