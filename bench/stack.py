"""Everything a benchmark run needs, started from nothing and stopped at the end: an embedded
Postgres and a Temporal dev server in a folder of their own, the schema and the demo data, the
simulators of the ERP, mail and chat, poflow's web app and workers as processes (as in
production), and as many bare workers for the baseline on the same Temporal server."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client

from bench.mail_watch import WatchedInbox
from cli.seed import load_demo_data
from devstack.outside_world import (
    OutsideWorld,
    connect_erp_events,
    outside_world_app,
    poflow_environment,
    start_mail_server,
)
from devstack.postgres import start_embedded
from devstack.serving import loopback_socket, served, url_of
from devstack.tcp_ports import free_port
from devstack.temporal import start_dev_server, wait_until_reachable
from models.db import build_engine, session_factory
from models.migrate import upgrade_to_head
from settings import Settings
from temporal_client.connection import connect

POFLOW_QUEUE = "poflow-bench"
BARE_QUEUE = "bare-bench"


@dataclass
class BenchStack:
    settings: Settings
    database_url: str
    sessions: sessionmaker[Session]
    api_url: str
    world: OutsideWorld
    inbox: WatchedInbox
    workers: list[subprocess.Popen[bytes]]
    folder: Path
    parts: dict[str, list[int]]  # each part of the stack by name: its process ids (bench.cpu)

    async def client(self) -> Client:
        return await connect(self.settings)


@contextmanager
def bench_stack(keep: Path | None = None, workers: int = 1) -> Iterator[BenchStack]:
    """The whole stack in a fresh folder (``keep`` to choose it; else a temporary one), with
    ``workers`` poflow worker processes and as many bare ones."""
    with ExitStack() as stack:
        folder = keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        folder.mkdir(parents=True, exist_ok=True)
        settings = _settings(folder)
        postgres = start_embedded(folder / "pgdata")
        stack.callback(postgres.stop)
        temporal = start_dev_server(settings, folder / "temporal.log")
        stack.callback(_stop, temporal)
        wait_until_reachable(settings, temporal, folder / "temporal.log")
        database_url = postgres.url()
        engine = build_engine(database_url, pool_size=8)
        stack.callback(engine.dispose)
        upgrade_to_head(engine)
        sessions = session_factory(engine)
        load_demo_data(sessions, settings)
        world_socket, smtp_port = loopback_socket(), free_port()
        api_port = free_port()
        api_url = f"http://127.0.0.1:{api_port}"
        inbox = WatchedInbox()
        world = OutsideWorld(api_url, mail=inbox)
        connect_erp_events(world)
        mail = start_mail_server(world.mail, smtp_port)
        stack.callback(mail.stop)
        stack.enter_context(served(outside_world_app(world), world_socket))
        environment = _environment(settings, database_url, url_of(world_socket), smtp_port)
        environment["POFLOW_API_PORT"] = str(api_port)
        worker_command = [sys.executable, "-m", "cli", "worker"]
        poflow_workers = [
            _spawn(stack, worker_command, environment, folder / f"worker-{i}.log")
            for i in range(workers)
        ]
        api_command = [sys.executable, "-m", "cli", "api"]
        api = _spawn(stack, api_command, environment, folder / "api.log")
        bare_command = [sys.executable, "-m", "bench.bare", settings.temporal_address, BARE_QUEUE]
        bare_workers = [
            _spawn(stack, bare_command, environment, folder / f"bare-{i}.log")
            for i in range(workers)
        ]
        _wait_for(f"{api_url}/readyz")
        parts = {
            "poflow worker": [worker.pid for worker in poflow_workers],
            "poflow api": [api.pid],
            "bare worker": [bare.pid for bare in bare_workers],
            "temporal server": [temporal.pid],
            "postgres": [int((folder / "pgdata" / "postmaster.pid").read_text().split()[0])],
        }
        yield BenchStack(
            settings, database_url, sessions, api_url, world, inbox, poflow_workers, folder, parts
        )


def _settings(folder: Path) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=folder,
        temporal_address=f"127.0.0.1:{free_port()}",
        temporal_ui_port=free_port(),
        temporal_task_queue=POFLOW_QUEUE,
        demo_simulators=False,
    )


def _environment(
    settings: Settings, database_url: str, world_url: str, smtp_port: int
) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("POFLOW_")}
    return {
        **inherited,
        **poflow_environment(world_url, smtp_port),
        "POFLOW_DATABASE_URL": database_url,
        "POFLOW_TEMPORAL_ADDRESS": settings.temporal_address,
        "POFLOW_TEMPORAL_TASK_QUEUE": POFLOW_QUEUE,
    }


def _spawn(
    stack: ExitStack, command: list[str], environment: dict[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    log = log_path.open("ab")
    stack.callback(log.close)
    process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    stack.callback(_stop, process)
    return process


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f}s")
