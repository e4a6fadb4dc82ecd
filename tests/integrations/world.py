"""poflow among simulators of the systems around it, everything over real HTTP and SMTP on
loopback: the web app served by uvicorn, a worker on a task queue of its own, and the demo's
outside world (ERP, ServiceNow, Slack/Teams, a mail server) wired exactly as ``poflow up`` wires
it. Test modules take the fixture with ``world = world_stack.world``."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from devstack.outside_world import (
    OutsideWorld,
    connect_erp_events,
    outside_world_app,
    poflow_environment,
    start_mail_server,
)
from devstack.serving import loopback_socket, served, url_of
from devstack.tcp_ports import free_port
from settings import Settings
from tests.api import e2e
from worker import build_worker

__all__ = ["World", "world"]


@dataclass
class World:
    outside: OutsideWorld
    poflow: e2e.Stack
    settings: Settings

    async def until(self, what: str, check: Callable[[], Any], seconds: float = 30) -> Any:
        """Poll ``check`` until it returns something truthy; fail naming ``what``."""
        for _ in range(int(seconds * 5)):
            found = check()
            if found:
                return found
            await asyncio.sleep(0.2)
        raise AssertionError(f"{what} never happened")


def settings_for(temporal: str, poflow_url: str, world_url: str, smtp_port: int) -> Settings:
    wired: dict[str, Any] = {
        name.removeprefix("POFLOW_").lower(): value
        for name, value in poflow_environment(world_url, smtp_port).items()
    }
    wired["jira_fields"] = json.loads(wired["jira_fields"])
    return Settings(
        _env_file=None,
        environment="test",
        temporal_address=temporal,
        temporal_task_queue=f"world-{uuid.uuid4().hex[:8]}",
        public_url=poflow_url,
        erp_timeout_seconds=1.0,
        **wired,
    )


@pytest.fixture(scope="module")
async def world(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
) -> AsyncIterator[World]:
    app_socket, world_socket = loopback_socket(), loopback_socket()
    poflow_url, world_url = url_of(app_socket), url_of(world_socket)
    outside = OutsideWorld(poflow_url)
    connect_erp_events(outside)
    smtp_port = free_port()
    mail_server = start_mail_server(outside.mail, smtp_port)
    address = temporal_env.client.service_client.config.target_host
    settings = settings_for(address, poflow_url, world_url, smtp_port)
    worker = build_worker(temporal_env.client, settings, demo_sessions)
    try:
        with (
            served(outside_world_app(outside), world_socket),
            served(create_app(settings, demo_database_url), app_socket),
        ):
            async with worker, httpx.AsyncClient(base_url=poflow_url, timeout=30) as http:
                tokens = e2e.tokens_for_demo_users(demo_database_url)
                stack = e2e.Stack(http, temporal_env.client, demo_sessions, tokens)
                yield World(outside, stack, settings)
    finally:
        mail_server.stop()
