"""Postgres out of reach is waited out, not held for an operator: the PO's first step keeps
failing while the database refuses connections, its tries wait on workflow timers (no workflow
task stays open between them), and once Postgres answers again the PO goes on to its approver."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

from sqlalchemy import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from devstack.serving import loopback_socket
from domain.catalog import PoStatus
from domain.purchase_order import PoView
from domain.temporal_names import PoQuery
from models.db import build_engine, session_factory
from settings import Settings
from tests.builders.requisitions import laptops
from tests.workflows.conftest import PoRunner, view_when, waiting
from tests.workflows.helpers import PoHandle
from worker import build_worker


class PostgresGate:
    """A loopback TCP relay to Postgres (its TCP port, or its unix socket as the embedded server
    has it) that, while shut, drops every connection at once."""

    def __init__(self, url: URL) -> None:
        socket_dir = url.query.get("host")
        self.unix_path = f"{socket_dir}/.s.PGSQL.{url.port or 5432}" if socket_dir else None
        self.target = (url.host or "127.0.0.1", url.port or 5432)
        self.open = False
        self.sock = loopback_socket()

    @contextlib.asynccontextmanager
    async def serve(self) -> AsyncIterator[str]:
        """Relay while in the block; the gate's address as ``host:port``."""
        server = await asyncio.start_server(self._relay, sock=self.sock)
        async with server:
            yield "{}:{}".format(*self.sock.getsockname())

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.open:
            writer.close()
            return
        upstream_reader, upstream_writer = (
            await asyncio.open_unix_connection(self.unix_path)
            if self.unix_path
            else await asyncio.open_connection(*self.target)
        )
        await asyncio.gather(
            _pipe(reader, upstream_writer), _pipe(upstream_reader, writer), return_exceptions=True
        )


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def test_a_po_waits_out_a_postgres_outage_on_timers(
    time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session], demo_database_url: str
) -> None:
    url = make_url(demo_database_url)
    gate = PostgresGate(url)
    async with gate.serve() as address:
        host, port = address.split(":")
        through_gate = url.set(host=host, port=int(port)).difference_update_query(["host"])
        engine = build_engine(through_gate.render_as_string(False))
        queue = f"po-test-{uuid.uuid4().hex[:8]}"
        settings = Settings(_env_file=None, temporal_task_queue=queue)
        runner = PoRunner(time_env, demo_sessions, queue)
        try:
            async with build_worker(time_env.client, settings, session_factory(engine)):
                handle = await runner.start(laptops())
                await _until_a_retry_waits_on_a_timer(time_env, handle)
                assert (await handle.query(PoQuery.VIEW, result_type=PoView)).status is (
                    PoStatus.VALIDATING
                )
                gate.open = True
                view = await view_when(handle, waiting, seconds=60)
                assert view.waiting_on() == ["priya"] and view.attention is None
                await runner.end_all()
        finally:
            engine.dispose()


async def _until_a_retry_waits_on_a_timer(env: WorkflowEnvironment, handle: PoHandle) -> None:
    for _ in range(300):
        events = (await handle.fetch_history()).events
        if any(e.event_type == EventType.EVENT_TYPE_TIMER_STARTED for e in events):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the failing step's retries never waited on a timer")
