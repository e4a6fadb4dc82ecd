"""Run the Alembic migrations from code (the CLI, the run command and the tests use this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from models.roles import grant_app_role

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade_to_head(engine: Engine, app_url: str | None = None) -> str | None:
    """Bring the database to the newest schema (a no-op when it is already there) as the
    owner ``engine`` connects as; given the URL the app connects with, create its role if need
    be and grant it what it needs (``models.roles``). The app's role, when one was granted."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        return grant_app_role(connection, app_url) if app_url else None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
