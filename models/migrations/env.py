"""Alembic environment: migrates the database named by the settings (or by the caller)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from models import Base
from models.db import build_engine

config = context.config


def _database_url() -> str:
    given = config.attributes.get("database_url")
    if given:
        return str(given)
    from devstack.postgres import resolve_migration_url
    from settings import Settings

    return resolve_migration_url(Settings())


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
