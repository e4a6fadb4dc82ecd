"""``poflow audit``: prove the audit trail untampered, and anchor its head outside the database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from activities.audit import AuditCheckpoints, check_audit_trail
from adapters.checkpoint_files import CheckpointDirectory
from cli.config import database_engine, load_settings
from models.db import session_factory
from settings import Settings

audit = typer.Typer(help="The hash-chained audit trail and its signed checkpoints.")


@audit.command("verify")
def verify(
    workflows: Annotated[
        bool,
        typer.Option(
            "--workflows", help="Also compare each PO's entries with what its workflow recorded."
        ),
    ] = False,
) -> None:
    """Check every entry's hash and link, and the trail against every signed checkpoint; print
    every break (entry and what is wrong) and exit 1 when there is any."""
    settings = load_settings()
    sessions = session_factory(database_engine(settings))
    directory = CheckpointDirectory(settings.checkpoint_dir)
    with sessions() as session:
        result = check_audit_trail(session, directory, settings.signing_keys())
    problems = list(result.problems)
    if workflows:
        problems += asyncio.run(_workflow_problems(settings, sessions))
    for problem in problems:
        typer.echo(problem, err=True)
    anchored = _anchoring(result.checkpoints, settings.checkpoint_dir)
    if problems:
        typer.echo(
            f"audit trail BROKEN: {len(problems)} problem(s) in {result.entries} entries "
            f"({anchored})",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"audit trail intact: {result.entries} entries verified ({anchored})")


@audit.command("checkpoint")
def checkpoint() -> None:
    """Write a signed checkpoint of the trail's head to the checkpoint directory."""
    settings = load_settings()
    sessions = session_factory(database_engine(settings))
    writer = AuditCheckpoints(
        sessions, CheckpointDirectory(settings.checkpoint_dir), settings.signing_keys()[0]
    )
    head, path = writer.write_checkpoint()
    typer.echo(f"checkpoint of entry {head.sequence} ({head.entries} entries) written to {path}")


def _anchoring(checkpoints: int, directory: Path) -> str:
    if not checkpoints:
        return f"no checkpoint in {directory}: the newest entries are not anchored"
    return f"against {checkpoints} signed checkpoint(s) in {directory}"


async def _workflow_problems(settings: Settings, sessions: sessionmaker[Session]) -> list[str]:
    from cli.audit_workflows import po_workflow_discrepancies
    from devstack.temporal import connect_or_explain

    client = await connect_or_explain(settings)
    return await po_workflow_discrepancies(client, settings.temporal_task_queue, sessions)
