"""``poflow``: up, migrate, seed, worker, api, simulators, users, audit, policy, budget, po."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Annotated

import typer

from cli import accounts
from cli.assets import assets
from cli.audit import audit
from cli.budgets import budget
from cli.chargeback import chargeback
from cli.close import close
from cli.config import database_engine, load_settings, migration_engine, reachable_database
from cli.costs import costs
from cli.org import org
from cli.policies import policy
from cli.purchase_orders import po
from cli.remediation import remediate
from cli.seed import load_demo_data
from cli.shadow_it import shadow
from cli.tags import tags
from cli.variances import variances
from devstack import SetupError
from devstack.postgres import resolve_database_url, stop_started_here
from devstack.tcp_ports import port_in_use
from models.db import session_factory
from models.migrate import upgrade_to_head
from settings import configure_logging

app = typer.Typer(help="poflow: durable purchase-order approvals and IT spend control.")
app.add_typer(accounts.users, name="users")
app.add_typer(policy, name="policy")
app.add_typer(budget, name="budget")
app.add_typer(po, name="po")
app.add_typer(audit, name="audit")
costs.command("remediate")(remediate)
app.add_typer(costs, name="costs")
app.add_typer(tags, name="tags")
app.add_typer(chargeback, name="chargeback")
app.add_typer(org, name="org")
app.add_typer(assets, name="assets")
app.add_typer(shadow, name="shadow-it")
app.add_typer(variances, name="variances")
app.add_typer(close, name="close")


@app.command("up")
def up_command() -> None:
    """Start everything: Postgres, Temporal + UI, migrations, demo data, worker and web app."""
    # Imported here so the simulators load only for the commands that serve them, never in
    # `poflow api` or `poflow worker`.
    from cli import up

    up.run(load_settings())


@app.command()
def migrate() -> None:
    """Bring the database schema to the newest version as the tables' owner, and grant the
    app's role (DATABASE_URL's user) what it needs, creating it if need be."""
    settings = load_settings()
    engine = migration_engine(settings)
    role = upgrade_to_head(engine, resolve_database_url(settings))
    granted = f"; the app connects as {role}" if role else ""
    typer.echo(f"database schema is up to date{granted}")


@app.command()
def seed() -> None:
    """Load the demo data (idempotent: a second run adds nothing)."""
    settings = load_settings()
    summary = load_demo_data(session_factory(database_engine(settings)), settings)
    typer.echo(summary)


@app.command()
def worker() -> None:
    """Run the Temporal worker with every workflow and activity."""
    import worker as worker_module
    from devstack.temporal import connect_or_explain

    configure_logging()
    settings = load_settings()
    database_url = reachable_database(settings)

    async def serve() -> None:
        await worker_module.run(settings, database_url, await connect_or_explain(settings))

    asyncio.run(serve())


@app.command()
def api() -> None:
    """Serve the web app and JSON API."""
    import uvicorn

    from api.app import create_app

    settings = load_settings()
    if port_in_use(settings.api_host, settings.api_port):
        raise SetupError(
            f"port {settings.api_port} (web app) on {settings.api_host} is already in use; "
            "stop what holds it or set POFLOW_API_PORT"
        )
    database_url = reachable_database(settings)
    uvicorn.run(create_app(settings, database_url), host=settings.api_host, port=settings.api_port)


@app.command()
def simulators() -> None:
    """Serve the demo's outside world: ERP, ServiceNow, Slack/Teams and a mail server."""
    from devstack.outside_world import serve

    configure_logging()
    serve(load_settings())


def main(args: Annotated[list[str] | None, typer.Argument()] = None) -> None:
    """Entry point: configuration and environment problems end in one line, not a traceback;
    an embedded Postgres the command started is stopped on its way out."""
    try:
        app(args=args)
    except SetupError as error:
        stop_started_here()
        typer.echo(f"poflow: {error}", err=True)
        # What this run started is already stopped. Leave without interpreter finalization: a
        # Temporal client's runtime threads, still alive then, may otherwise print a panic.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(2)
    finally:
        # A command that had to start the embedded Postgres stops it: none is left running
        # unannounced, to be reused (and left behind) by the next `poflow up`.
        stop_started_here()
