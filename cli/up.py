"""``poflow up``: start every piece in order, print where to go, and stop what it started on Ctrl-C.

Postgres and Temporal are reused when already running; their data stays under the data folder.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import FrameType

import httpx
import typer

from cli import demo_data
from cli.console import log_file, spawn_logged
from cli.demo_costs import DemoRefused, load_demo_costs
from cli.seed import load_demo_data
from devstack import SetupError
from devstack.outside_world import poflow_environment, world_url
from devstack.postgres import EmbeddedPostgres, as_role, check_reachable, start_embedded
from devstack.tcp_ports import port_in_use
from devstack.temporal import reachable, start_dev_server, wait_until_reachable
from models.db import build_engine, session_factory
from models.migrate import upgrade_to_head
from settings import Settings


@dataclass(frozen=True)
class Piece:
    """A process this run started, and the log file its output goes to."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Started:
    """What this run started, in start order, so it can stop exactly those."""

    postgres: EmbeddedPostgres | None = None
    processes: list[Piece] = field(default_factory=list)

    def stop(self) -> None:
        for piece in reversed(self.processes):
            if piece.process.poll() is None:
                typer.echo(f"stopping {piece.name}")
                piece.process.terminate()
                try:
                    piece.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    piece.process.kill()
        if self.postgres is not None and self.postgres.started_here:
            typer.echo("stopping Postgres")
            self.postgres.stop()


def run(settings: Settings) -> None:
    started = Started()
    # Ctrl-C and a service manager's SIGTERM stop everything alike, even when the parent left
    # SIGINT ignored (as a shell does for a command it started in the background).
    _stop_on(signal.SIGTERM)
    _stop_on(signal.SIGINT)
    try:
        _check_api_port(settings)
        typer.echo(f"Logs: {_log_files(settings)}")
        owner_url, database_url = _postgres(settings, started)
        _temporal(settings, started)
        _migrate_and_seed(settings, owner_url, database_url)
        environment = {**os.environ, "POFLOW_DATABASE_URL": database_url}
        if settings.demo_simulators:
            environment = _outside_world(settings, started, environment)
        for piece in ("worker", "api"):
            started.processes.append(_spawn(settings, piece, environment))
        _wait_until_ready(settings, started)
        _load_demo_costs(settings, database_url)
        _print_banner(settings)
        _watch(started)
    except KeyboardInterrupt:
        typer.echo("\nshutting down")
    finally:
        started.stop()


def _check_api_port(settings: Settings) -> None:
    if port_in_use(settings.api_host, settings.api_port):
        raise SetupError(
            f"port {settings.api_port} (web app) on {settings.api_host} is already in use; "
            "stop what holds it or set POFLOW_API_PORT"
        )


def _postgres(settings: Settings, started: Started) -> tuple[str, str]:
    """The owner's URL (migrations) and the app's (worker and web app)."""
    if settings.database_url:
        owner_url = settings.migration_database_url or settings.database_url
        check_reachable(owner_url)
        typer.echo("Postgres: using DATABASE_URL")
        return owner_url, settings.database_url
    started.postgres = start_embedded(settings.data_dir / "pgdata")
    verb = "started" if started.postgres.started_here else "reusing"
    typer.echo(f"Postgres: {verb} the embedded server in {settings.data_dir / 'pgdata'}")
    owner_url = started.postgres.url()
    return owner_url, as_role(owner_url, settings.app_database_role)


def _temporal(settings: Settings, started: Started) -> None:
    if asyncio.run(reachable(settings.temporal_address, settings.temporal_namespace)):
        typer.echo(f"Temporal: reusing the server at {settings.temporal_address}")
        return
    log_path = settings.data_dir / "logs" / "temporal.log"
    process = start_dev_server(settings, log_path)
    started.processes.append(Piece("Temporal dev server", process, log_path))
    wait_until_reachable(settings, process, log_path)
    typer.echo(f"Temporal: started the dev server (data in {settings.data_dir / 'temporal.db'})")


def _migrate_and_seed(settings: Settings, owner_url: str, database_url: str) -> None:
    """Migrate as the owner (granting the app's role), then seed as the app."""
    owner = build_engine(owner_url, pool_size=1)
    try:
        role = upgrade_to_head(owner, database_url)
    finally:
        owner.dispose()
    if role:
        typer.echo(f"Postgres: the worker and web app connect as {role}")
    engine = build_engine(database_url, pool_size=1)
    try:
        typer.echo(load_demo_data(session_factory(engine), settings))
    finally:
        engine.dispose()


def _load_demo_costs(settings: Settings, database_url: str) -> None:
    """The demo's month of cloud cost, through the running app; a failure is told, not fatal."""
    engine = build_engine(database_url, pool_size=1)
    try:
        typer.echo(load_demo_costs(session_factory(engine), settings.app_url, date.today()))
    except (httpx.HTTPError, DemoRefused, TimeoutError, LookupError) as failed:
        typer.echo(f"demo costs not loaded: {failed}", err=True)
    finally:
        engine.dispose()


def _outside_world(
    settings: Settings, started: Started, environment: dict[str, str]
) -> dict[str, str]:
    """Start the simulators (or reuse those already answering); the worker and web app use them
    for whatever the user did not set."""
    url = f"{world_url(settings)}/state.json"
    if _answers(url):
        typer.echo(f"Simulators: reusing those at {world_url(settings)}")
    else:
        started.processes.append(_spawn(settings, "simulators", environment))
        deadline = time.monotonic() + 30
        while not _answers(url):
            _check_alive(started)
            if time.monotonic() > deadline:
                raise SetupError(f"the simulators did not start within 30s ({url})")
            time.sleep(0.3)
        typer.echo(f"Simulators: started at {world_url(settings)}")
    return {**poflow_environment(world_url(settings), settings.smtp_port), **environment}


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _spawn(settings: Settings, piece: str, environment: dict[str, str]) -> Piece:
    command = [sys.executable, "-m", "cli", piece]
    log = log_file(settings.data_dir, piece)
    return Piece(piece, spawn_logged(piece, command, environment, log), log)


def _wait_until_ready(settings: Settings, started: Started, timeout: float = 90) -> None:
    url = f"http://{settings.api_host}:{settings.api_port}/readyz"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _check_alive(started)
        if _answers(url):
            return
        time.sleep(0.5)
    raise SetupError(f"the web app did not become ready within {timeout:.0f}s ({url})")


def _check_alive(started: Started) -> None:
    for piece in started.processes:
        if piece.process.poll() is not None:
            for line in _last_lines(piece.log):
                typer.echo(f"  {piece.name}: {line}", err=True)
            raise SetupError(
                f"{piece.name} exited with code {piece.process.returncode}; see {piece.log}"
            )


def _last_lines(log: Path, count: int = 5) -> list[str]:
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line for line in lines if line.strip()][-count:]


def _watch(started: Started) -> None:
    while True:
        _check_alive(started)
        time.sleep(1)


def _log_files(settings: Settings) -> str:
    """Where the pieces' output goes; the console only tells their warnings and errors."""
    simulators = ["simulators"] if settings.demo_simulators else []
    pieces = ",".join(["worker", "api", *simulators, "temporal"])
    return f"{settings.data_dir / 'logs'}/{{{pieces}}}.log"


def _print_banner(settings: Settings) -> None:
    logins = "\n".join(
        f"    {user.username:<7} {', '.join(user.roles):<22} {user.display_name}"
        for user in demo_data.USERS
    )
    simulators = (
        f"\n  Simulators:   {world_url(settings)}  (ServiceNow, ERP, mail, Slack/Teams)"
        if settings.demo_simulators
        else ""
    )
    typer.echo(
        f"""
poflow is up.
  Web app:      {settings.app_url}
  API docs:     {settings.app_url}/docs
  Readiness:    {settings.app_url}/readyz
  Temporal UI:  {settings.temporal_ui_url}{simulators}
  Logs:         {_log_files(settings)}

  Demo logins (password "{demo_data.DEMO_PASSWORD}" for each; API tokens: poflow users token NAME):
{logins}

Press Ctrl-C to stop everything started here (data stays in {Path(settings.data_dir)}).
"""
    )


def _stop_on(signal_number: int) -> None:
    def interrupt(_signal: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    handler: Callable[[int, FrameType | None], None] = interrupt
    signal.signal(signal_number, handler)
