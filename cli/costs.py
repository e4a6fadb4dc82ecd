"""``poflow costs``: import cost files (each loaded by its workflow, the load report printed),
cost totals grouped by any dimension, and the sources with their last load and freshness.

A file that cannot be loaded prints one line naming the problem (file, row, column) on stderr,
and the command exits 1 once the other files are done."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client, WorkflowFailureError

from cli.config import database_engine, load_settings
from cli.cost_allocation import allocate
from cli.cost_anomalies import anomalies
from cli.cost_recommendations import recommendations
from cli.cost_report import load_report, totals_as_json, totals_as_text
from devstack.temporal import connect_or_explain
from models.costs.totals import UnknownDimension, cost_totals
from models.db import session_factory
from services.costs.accounts import period_start
from services.costs.imports import FORMAT_CHOICES, import_file, source_for_import
from services.costs.overview import source_statuses
from services.costs.refusals import CostRefused
from settings import Settings

costs = typer.Typer(help="Cost data: import files, totals by any dimension, sources.")
Period = Annotated[str | None, typer.Option(help="a billing period, YYYY-MM")]
SourceName = Annotated[str | None, typer.Option("--source", help="the source's name")]


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"poflow: {message}", err=True)
    return typer.Exit(code)


@costs.command("import")
def import_files(
    files: Annotated[list[Path], typer.Argument(help=".csv, .csv.gz or .parquet cost files")],
    source: SourceName = None,
    format_hint: Annotated[
        str, typer.Option("--format", help=f"one of {', '.join(FORMAT_CHOICES)}")
    ] = "auto",
    period: Period = None,
    actor: Annotated[str, typer.Option("--as", help="who imports, for the audit trail")] = "poflow",
) -> None:
    """Load each FILE (its billing period from its first row, or --period) and print the load
    report; a source named that does not exist yet is created with the detected format."""
    if format_hint not in FORMAT_CHOICES:
        raise fail(f"--format is one of {', '.join(FORMAT_CHOICES)}", 2)
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise fail(f"no such file: {', '.join(missing)}", 2)
    settings = load_settings()
    sessions = session_factory(database_engine(settings))
    request = (source, format_hint, period, actor)
    if not asyncio.run(_import_all(settings, sessions, files, request)):
        raise typer.Exit(1)


async def _import_all(
    settings: Settings,
    sessions: sessionmaker[Session],
    files: list[Path],
    request: tuple[str | None, str, str | None, str],
) -> bool:
    temporal = await connect_or_explain(settings)
    results = [await _import_one(settings, sessions, temporal, path, request) for path in files]
    return all(results)


async def _import_one(
    settings: Settings,
    sessions: sessionmaker[Session],
    temporal: Client,
    path: Path,
    request: tuple[str | None, str, str | None, str],
) -> bool:
    source, format_hint, period, actor = request
    try:
        queue, upload_dir = settings.temporal_task_queue, settings.cost_files.upload_dir
        wanted = (source, format_hint, settings.base_currency, actor)
        configured = await source_for_import(sessions, temporal, queue, path, wanted)
        started = await import_file(temporal, queue, upload_dir, configured, path, period, actor)
        typer.echo(f"{path.name}: loading ({started.handle.id})...", err=True)
        result = await started.handle.result()
    except CostRefused as refused:
        typer.echo(f"poflow: {refused.message} ({refused.rule})", err=True)
        return False
    except WorkflowFailureError as failed:
        typer.echo(f"poflow: {path.name}: the load failed: {failed.cause or failed}", err=True)
        return False
    with sessions() as session:
        report, loaded = load_report(session, path.name, started.handle.id, result)
    typer.echo(report, err=not loaded)
    return loaded


@costs.command("totals")
def totals(
    by: Annotated[str, typer.Option(help="dimensions, comma-separated, e.g. provider,service")],
    source: SourceName = None,
    period: Period = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per group")] = False,
    base: Annotated[bool, typer.Option("--base", help="in each source's base currency")] = False,
) -> None:
    """The cost columns summed exactly per group, in the billing currency unless --base."""
    dimensions = [d.strip() for d in by.split(",") if d.strip()]
    try:
        start = period_start(period) if period else None
    except CostRefused as refused:
        raise fail(refused.message, 2) from refused
    settings = load_settings()
    with session_factory(database_engine(settings))() as session:
        try:
            groups = cost_totals(session, dimensions, source, start, base)
        except UnknownDimension as unknown:
            raise fail(str(unknown), 2) from unknown
    if as_json:
        typer.echo(json.dumps(totals_as_json(groups, base), indent=2))
    else:
        for line in totals_as_text(groups):
            typer.echo(line)


@costs.command("sources")
def sources() -> None:
    """Every source: format, provider, its last load and whether its data is late."""
    settings = load_settings()
    with session_factory(database_engine(settings))() as session:
        for status in source_statuses(session):
            listing, source = status.listing, status.listing.source
            last = (
                f"last load {listing.last_load_status} {listing.last_load_at:%Y-%m-%d %H:%M} "
                f"({listing.last_load_file})"
                if listing.last_load_at
                else "never loaded"
            )
            newest = f"data to {listing.newest_data}" if listing.newest_data else "no data"
            fresh = "LATE" if status.stale else "fresh"
            typer.echo(
                f"{source.name}  {source.format}  {source.provider}  {last}  {newest}  {fresh}"
            )


costs.command("allocate")(allocate)
costs.command("anomalies")(anomalies)
costs.command("recommendations")(recommendations)
