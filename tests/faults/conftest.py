"""poflow as operators run it — `poflow worker` and `poflow api` as processes — on a Postgres
server and a Temporal dev server of the fault tests' own (so stopping them harms no other test),
among the demo's simulators. Each outside dependency can be switched off and on (see
``outages``); the tests check what poflow does meanwhile and after."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from cli.seed import load_demo_data
from devstack.outside_world import (
    OutsideWorld,
    connect_erp_events,
    outside_world_app,
    poflow_environment,
)
from devstack.postgres import start_embedded
from devstack.serving import loopback_socket, served, url_of
from devstack.tcp_ports import free_port
from devstack.temporal import dev_server_command
from models.db import build_engine, session_factory
from models.migrate import upgrade_to_head
from settings import Settings
from temporal_client.converter import DATA_CONVERTER
from tests.api import e2e
from tests.builders.processes import clean_environment, start_poflow
from tests.conftest import app_role_url
from tests.faults.outages import (
    SwitchableMail,
    SwitchablePostgres,
    SwitchableSystems,
    SwitchableTemporal,
)
from tests.faults.stack import FaultStack


def _database(tmp: Path) -> tuple[SwitchablePostgres, str]:
    """Migrated by the owner; poflow (and the demo data) as the app's role, as in production."""
    embedded = start_embedded(tmp / "pgdata")
    owner_url = embedded.url()
    engine = build_engine(owner_url, pool_size=1)
    url = app_role_url(owner_url)
    upgrade_to_head(engine, url)
    engine.dispose()
    engine = build_engine(url, pool_size=1)
    load_demo_data(session_factory(engine), Settings(_env_file=None), date.today())
    engine.dispose()
    return SwitchablePostgres(embedded.server), url


async def _temporal(tmp: Path) -> tuple[SwitchableTemporal, Settings]:
    settings = Settings(
        _env_file=None,
        data_dir=tmp,
        temporal_address=f"127.0.0.1:{free_port()}",
        temporal_ui_port=free_port(),
    )
    server = SwitchableTemporal(
        dev_server_command(settings), settings.temporal_address, tmp / "temporal.log"
    )
    await server.start()
    return server, settings


async def _ready(url: str, seconds: float = 60) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=2) as http:
        for _ in range(int(seconds * 4)):
            try:
                if (await http.get("/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.25)
    raise AssertionError(f"{url} never became ready")


@pytest.fixture(scope="package")
async def faults(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FaultStack]:
    tmp = tmp_path_factory.mktemp("faults")
    postgres, database_url = _database(tmp)
    temporal_server, temporal_settings = await _temporal(tmp)
    api_port, world_socket = free_port(), loopback_socket()
    poflow_url, world_url = f"http://127.0.0.1:{api_port}", url_of(world_socket)
    world = OutsideWorld(poflow_url)
    connect_erp_events(world)
    outside = outside_world_app(world)
    down: set[str] = set()
    outside.add_middleware(SwitchableSystems, down=down)
    mail = SwitchableMail(world.mail, free_port())
    task_queue = f"faults-{uuid.uuid4().hex[:8]}"
    env = clean_environment(
        poflow_environment(world_url, mail.port),
        DATABASE_URL=database_url,
        POFLOW_TEMPORAL_ADDRESS=temporal_settings.temporal_address,
        POFLOW_TEMPORAL_TASK_QUEUE=task_queue,
        POFLOW_API_PORT=str(api_port),
        POFLOW_PUBLIC_URL=poflow_url,
        POFLOW_ERP_TIMEOUT_SECONDS="2",
    )
    engine = build_engine(database_url, pool_size=4)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with served(outside, world_socket):
            processes = start_poflow(env, tmp)
            await _ready(poflow_url)
            temporal = await Client.connect(
                temporal_settings.temporal_address, data_converter=DATA_CONVERTER
            )
            async with httpx.AsyncClient(base_url=poflow_url, timeout=30) as http:
                yield FaultStack(
                    http,
                    e2e.tokens_for_demo_users(database_url),
                    temporal,
                    session_factory(engine),
                    world,
                    down,
                    mail,
                    postgres,
                    temporal_server,
                    task_queue,
                )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a request still waiting on its workflow
                process.kill()
                process.wait(timeout=10)
        engine.dispose()
        mail.stop()
        await temporal_server.stop()
        postgres.stop()
