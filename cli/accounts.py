"""``poflow users``: add people with roles and give them API tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.config import database_engine, load_settings
from domain.catalog import Role
from models.db import session_factory, unit_of_work
from models.people.accounts import find_user, issue_api_token, upsert_user

users = typer.Typer(help="People, roles and API tokens.")
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="print the token alone, e.g. TOKEN=$(poflow …)")
]


@users.command("add")
def add(
    name: Annotated[str, typer.Argument(help="login name, e.g. jdoe")],
    role: Annotated[list[Role], typer.Option("--role", help="repeat for several roles")],
    email: Annotated[str | None, typer.Option(help="defaults to NAME@example.org")] = None,
    display_name: Annotated[str | None, typer.Option("--display-name")] = None,
    quiet: Quiet = False,
) -> None:
    """Create a user (or add roles to an existing one) and print a new API token."""
    sessions = session_factory(database_engine(load_settings()))
    with unit_of_work(sessions) as session:
        user = upsert_user(session, name, roles=role, email=email, display_name=display_name)
        token = issue_api_token(session, user)
        roles = ", ".join(sorted(user.role_names))
    if not quiet:
        typer.echo(f"user {name} has roles: {roles}")
    _show(token, quiet)


@users.command("token")
def token(name: Annotated[str, typer.Argument(help="login name")], quiet: Quiet = False) -> None:
    """Print a new API token for an existing user."""
    sessions = session_factory(database_engine(load_settings()))
    with unit_of_work(sessions) as session:
        user = find_user(session, name)
        if user is None:
            typer.echo(f"poflow: no user named {name!r}; add one with `poflow users add`", err=True)
            raise typer.Exit(2)
        _show(issue_api_token(session, user), quiet)


def _show(token: str, quiet: bool) -> None:
    typer.echo(token if quiet else f"API token (shown once): {token}")
