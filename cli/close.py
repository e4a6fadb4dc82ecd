"""``poflow close``: start a period's month-end close, decide on its accrual journal, show it."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer

from cli.config import database_engine, load_settings
from devstack.temporal import connect_or_explain
from domain.catalog import Role
from domain.money import Money
from models.close.reports import close_detail
from models.db import session_factory
from models.people.accounts import find_user
from models.people.records import User
from services.close import decide_close, start_close
from services.refusals import RuleRefused

close = typer.Typer(help="Month-end close: accruals of uninvoiced usage, ERP export, reversal.")
Period = Annotated[str, typer.Option("--period", help="the month to close, YYYY-MM")]
AsUser = Annotated[str, typer.Option("--as", help="who does it (finance or admin)")]
Json = Annotated[bool, typer.Option("--json", help="print JSON")]


def _closer(as_user: str) -> User:
    settings = load_settings()
    with session_factory(database_engine(settings))() as session:
        user = find_user(session, as_user)
    if user is None or not user.role_names & {Role.FINANCE, Role.ADMIN}:
        typer.echo(f"poflow: {as_user!r} is no finance user or admin", err=True)
        raise typer.Exit(2)
    return user


@close.command("start")
def start(period: Period, as_user: AsUser) -> None:
    """Start the close of PERIOD: it waits for the month's end and grace, then finance
    approves its accrual journal. Starting it again changes nothing."""
    settings, user = load_settings(), _closer(as_user)

    async def started() -> bool:
        return await start_close(await connect_or_explain(settings), settings, user, period)

    try:
        now = asyncio.run(started())
    except RuleRefused as refused:
        typer.echo(f"poflow: {refused.message} ({refused.rule})", err=True)
        raise typer.Exit(1) from refused
    typer.echo(f"{period}: close {'started' if now else 'was started before; nothing changed'}")


@close.command("decide")
def decide(
    period: Period,
    as_user: AsUser,
    reject: Annotated[bool, typer.Option("--reject", help="reject instead of approve")] = False,
    comment: Annotated[str, typer.Option(help="why")] = "",
) -> None:
    """Approve (or ``--reject``) the accrual journal of PERIOD's close."""
    settings, user = load_settings(), _closer(as_user)

    async def decided() -> str:
        temporal = await connect_or_explain(settings)
        view = await decide_close(temporal, user, period, not reject, comment)
        return str(view.status)

    try:
        status = asyncio.run(decided())
    except RuleRefused as refused:
        typer.echo(f"poflow: {refused.message} ({refused.rule})", err=True)
        raise typer.Exit(1) from refused
    typer.echo(f"{period}: {status}")


@close.command("show")
def show(period: Period, as_json: Json = False) -> None:
    """PERIOD's close: its status, journals, export attempts and GL differences."""
    settings = load_settings()
    with session_factory(database_engine(settings))() as session:
        detail = close_detail(session, period)
    if detail is None:
        typer.echo(f"poflow: {period} was never closed", err=True)
        raise typer.Exit(1)
    run = detail.run
    if as_json:
        journals = {j.kind: [vars(line) for line in j.lines] for j in detail.journals}
        body = {"period": period, "status": run.status, "journals": journals}
        typer.echo(json.dumps(body, default=str))
        return
    typer.echo(
        f"{period}: {run.status} (started by {run.started_by}, approved by {run.approved_by})"
    )
    for journal in detail.journals:
        typer.echo(f"  {journal.journal_id} on {journal.posted_on}: {len(journal.lines)} lines")
    for found in detail.differences:
        amount = Money(found.difference_minor, found.currency)
        typer.echo(f"  difference {found.cost_center}/{found.gl_account}: {amount}")
