"""``poflow variances``: detect a month's budget variances (each breaching line gets its
investigation) and list the investigations with their explanations."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer

from cli.config import database_engine, load_settings
from devstack.temporal import connect_or_explain
from domain.money import Money
from domain.variance_investigation import VarianceDetected
from models.budgets.variance_investigations import variance_rows
from models.db import session_factory
from services.refusals import RuleRefused
from services.variances import checked_period, detect_variances

variances = typer.Typer(help="Budget variance investigations: detect, list.")


@variances.command("detect")
def detect(
    period: Annotated[str, typer.Option(help="the month, YYYY-MM")],
    as_json: Annotated[bool, typer.Option("--json", help="print the outcome as JSON")] = False,
) -> None:
    """Start an investigation for each budget line whose variance in PERIOD breaches the
    approval policy's thresholds (a line investigated before is left as it is)."""
    settings = load_settings()

    async def detected() -> VarianceDetected:
        temporal = await connect_or_explain(settings)
        return await detect_variances(temporal, settings.temporal_task_queue, period)

    try:
        checked_period(period)
        found = asyncio.run(detected())
    except RuleRefused as refused:
        typer.echo(f"poflow: {refused.message} ({refused.rule})", err=True)
        raise typer.Exit(2) from refused
    if as_json:
        typer.echo(json.dumps(vars(found)))
        return
    typer.echo(f"{period}: {len(found.breaching)} lines breach, {len(found.started)} started")
    for workflow_id in found.started:
        typer.echo(f"  {workflow_id}")


@variances.command("list")
def list_investigations(
    period: Annotated[str | None, typer.Option(help="the month, YYYY-MM")] = None,
    status: Annotated[str | None, typer.Option(help="open, explained, sent_back, accepted")] = None,
) -> None:
    """Every investigation (newest period first) with its figures and last explanation."""
    settings = load_settings()
    with session_factory(database_engine(settings))() as session:
        rows = variance_rows(session, period=period, status=status)
        for row in rows:
            actual = Money(row.actual_minor, row.currency)
            budget = Money(row.budget_minor, row.currency)
            said = [step for step in row.history if step["action"] == "explained"]
            why = f" · {said[-1]['category']}: {said[-1]['text']}" if said else ""
            typer.echo(
                f"{row.period} {row.cost_center}/{row.gl_account} {row.status:<9} "
                f"actual {actual} vs budget {budget} · {row.owner}{why}"
            )
