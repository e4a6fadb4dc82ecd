"""``poflow costs remediate``: start a period's tag remediations, one per resource owner."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer

from cli.config import database_engine, load_settings
from devstack.temporal import connect_or_explain
from models.db import session_factory
from services.costs.refusals import CostRefused
from services.costs.remediations import start_remediations


def remediate(
    period: Annotated[str, typer.Option(help="the billing period, YYYY-MM")],
    as_json: Annotated[bool, typer.Option("--json", help="print the owners as JSON")] = False,
) -> None:
    """Start the remediation of each owner of a resource whose tags break the tag policy in
    force in PERIOD: a task in their inbox and a message listing the resources."""
    settings = load_settings()
    sessions = session_factory(database_engine(settings))

    async def started() -> list[str]:
        temporal = await connect_or_explain(settings)
        return await start_remediations(temporal, settings, sessions, period)

    try:
        owners = asyncio.run(started())
    except CostRefused as refused:
        typer.echo(f"poflow: {refused.message}", err=True)
        raise typer.Exit(1) from refused
    if as_json:
        typer.echo(json.dumps({"period": period, "owners": owners}))
    else:
        typer.echo(f"{period}: remediation started for {', '.join(owners) or 'nobody'}")
