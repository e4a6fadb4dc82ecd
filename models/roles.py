"""The two database roles: the owner, who runs migrations and owns every table, and the app's
role, which the web app, the worker and the CLI connect as.

The app's role is no superuser and owns nothing, so it can neither switch triggers off
(``session_replication_role``, ``ALTER TABLE``) nor drop them. It reads and writes what poflow
changes, and may only read and append to the append-only tables (the audit trail, the budget
ledger and the budget-line versions): UPDATE, DELETE and TRUNCATE there are not granted.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, make_url, text

log = logging.getLogger("poflow.roles")

# The tables whose triggers refuse UPDATE, DELETE and TRUNCATE are named ``<table>_append_only``.
_APPEND_ONLY = text(
    "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE t.tgname LIKE '%\\_append\\_only' AND n.nspname = current_schema() ORDER BY 1"
)


def role_of(database_url: str) -> str | None:
    """The user a database URL connects as (None: libpq's default)."""
    return make_url(database_url).username


def grant_app_role(connection: Connection, app_url: str) -> str | None:
    """Create the role ``app_url`` connects as unless it exists, and grant it what poflow
    needs; the role, or None when it is the owner's own (one role for all: nothing to grant).
    Idempotent: run after every migration, so new tables are granted too."""
    role = role_of(app_url)
    owner = connection.scalar(text("SELECT current_user"))
    if role is None or role == owner:
        log.warning(
            "the app connects as the owner %r: its append-only tables rely on triggers only", owner
        )
        return None
    quoted = connection.dialect.identifier_preparer.quote(role)
    exists = connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role})
    if not exists:
        password = make_url(app_url).password
        secret = f" PASSWORD '{str(password).replace(chr(39), chr(39) * 2)}'" if password else ""
        connection.execute(
            text(f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE{secret}")
        )
    for statement in _grants(connection, quoted):
        connection.execute(text(statement))
    return role


def _grants(connection: Connection, role: str) -> list[str]:
    database = connection.dialect.identifier_preparer.quote(
        str(connection.scalar(text("SELECT current_database()")))
    )
    append_only = list(connection.scalars(_APPEND_ONLY))
    return [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        # the cost-line partitions and the staging tables a load copies into
        f"GRANT USAGE ON SCHEMA cost_partitions TO {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
        *(f"REVOKE UPDATE, DELETE ON {table} FROM {role}" for table in append_only),
    ]
