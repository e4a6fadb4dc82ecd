"""Settings and database for CLI commands, with configuration errors told in one line."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy import Engine

from devstack import SetupError
from devstack.postgres import check_reachable, resolve_database_url, resolve_migration_url
from models.db import build_engine
from settings import Settings


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"POFLOW_{'_'.join(str(part) for part in e['loc']).upper()}: {e['msg']}"
            if e["loc"]
            else str(e["msg"]).removeprefix("Value error, ")
            for e in error.errors()
        )
        raise SetupError(f"invalid configuration: {problems}") from error


def reachable_database(settings: Settings) -> str:
    """The database URL (embedded server started if needed), checked to answer."""
    url = resolve_database_url(settings)
    check_reachable(url)
    return url


def database_engine(settings: Settings) -> Engine:
    return build_engine(reachable_database(settings), pool_size=2)


def migration_engine(settings: Settings) -> Engine:
    """An engine as the tables' owner (see ``resolve_migration_url``), checked to answer."""
    url = resolve_migration_url(settings)
    check_reachable(url)
    return build_engine(url, pool_size=1)
