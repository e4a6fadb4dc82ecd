"""``poflow policy``: list the approval policy's versions, show one, upload a new one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.config import database_engine, load_settings
from models.db import session_factory, unit_of_work
from models.people.accounts import find_user
from models.purchase_orders.policy_store import (
    PolicyRefused,
    policy_version,
    policy_versions,
    store_policy,
)

policy = typer.Typer(help="Approval policies: versioned JSON documents.")


@policy.command("list")
def list_versions() -> None:
    """Every stored version, newest first; the newest routes new POs."""
    sessions = session_factory(database_engine(load_settings()))
    with unit_of_work(sessions) as session:
        for row in policy_versions(session):
            typer.echo(f"{row.name} v{row.version}  {row.created_at:%Y-%m-%d %H:%M}  {row.note}")


@policy.command("show")
def show(name: str, version: int) -> None:
    """Print one version's document as JSON."""
    sessions = session_factory(database_engine(load_settings()))
    with unit_of_work(sessions) as session:
        row = policy_version(session, name, version)
        if row is None:
            typer.echo(f"poflow: no policy {name} v{version}", err=True)
            raise typer.Exit(2)
        typer.echo(json.dumps(row.document, indent=2))


@policy.command("upload")
def upload(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="the JSON document")],
    name: Annotated[str, typer.Option(help="policy name")] = "it-purchasing",
    note: Annotated[str, typer.Option(help="why this version")] = "",
    author: Annotated[str, typer.Option(help="who stores it (an existing user)")] = "maria",
) -> None:
    """Validate the document against the schema and store it as the next version."""
    settings = load_settings()
    try:
        document = json.loads(file.read_text())
    except json.JSONDecodeError as error:
        typer.echo(f"poflow: {file} is not JSON: {error}", err=True)
        raise typer.Exit(2) from error
    sessions = session_factory(database_engine(settings))
    with unit_of_work(sessions) as session:
        user = find_user(session, author)
        if user is None:
            typer.echo(f"poflow: no user named {author!r}", err=True)
            raise typer.Exit(2)
        try:
            stored = store_policy(
                session,
                name,
                document,
                note=note,
                author=user,
                base_currency=settings.base_currency,
                at=datetime.now(UTC),
            )
        except PolicyRefused as refused:
            for problem in refused.errors:
                typer.echo(f"{problem.path}: {problem.message}", err=True)
            raise typer.Exit(2) from refused
        typer.echo(f"stored {stored.name} v{stored.version}; it routes new POs from now on")
