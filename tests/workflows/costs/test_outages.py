"""A bucket or a database out of reach is waited out: the load's step keeps failing while the
S3 server or Postgres drops every connection, its tries are retried on the step's back-off,
and once they answer again the month loads whole. A mail relay out of reach never fails it."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from devstack.tcp_ports import free_port
from domain.costs.load_messages import CostLoadResult
from models.db import build_engine, session_factory
from tests.builders.s3_server import S3Server
from tests.workflows.costs.conftest import CostLoads, LoadHandle, cost_settings
from tests.workflows.costs.files import PERIOD, SAMPLE_LINES, put, put_cur_report, sample_lines
from tests.workflows.costs.sources import a_source, messages_to, visible_lines
from tests.workflows.test_postgres_outage import PostgresGate
from worker import build_worker


async def _until_retried(handle: LoadHandle, attempts: int = 2) -> str:
    """The name of the pending activity once it is on its ``attempts``-th try."""
    for _ in range(600):
        pending = (await handle.describe()).raw_description.pending_activities
        if pending and pending[0].attempt >= attempts:
            return pending[0].activity_type.name
        await asyncio.sleep(0.1)
    raise AssertionError("the step was never retried")


def _loaded_whole(result: CostLoadResult) -> bool:
    return result.status == "loaded" and result.rows_loaded + result.rows_quarantined == (
        SAMPLE_LINES
    )


async def test_a_bucket_out_of_reach_is_retried_until_it_answers(
    cost_loads: CostLoads, demo_sessions: sessionmaker[Session], s3: S3Server
) -> None:
    bucket = f"billing-{uuid.uuid4().hex[:8]}"
    put_cur_report(s3.client(), bucket)
    # An S3 relay that drops every connection until opened: the bucket's endpoint is down.
    gate = PostgresGate(make_url(f"postgresql://127.0.0.1:{s3.port}/"))
    async with gate.serve() as address:
        location = {"kind": "s3", "bucket": bucket, "prefix": "cur/"}
        source, _ = a_source(demo_sessions, {**location, "endpoint_url": f"http://{address}"})
        handle = await cost_loads.start(source, PERIOD)

        assert await _until_retried(handle) == "discover_cost_files"
        gate.open = True
        result = await handle.result()

    assert _loaded_whole(result)
    assert visible_lines(demo_sessions, source)[0] == result.rows_loaded


async def test_postgres_out_of_reach_is_retried_until_it_answers(
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    demo_database_url: str,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "watched"
    put(folder, "cur-2023-11.csv", sample_lines())
    source, _ = a_source(demo_sessions, {"kind": "folder", "path": str(folder)})
    url = make_url(demo_database_url)
    gate = PostgresGate(url)
    async with gate.serve() as address:
        host, port = address.split(":")
        through_gate = url.set(host=host, port=int(port)).difference_update_query(["host"])
        engine = build_engine(through_gate.render_as_string(False))
        queue = f"cost-test-{uuid.uuid4().hex[:8]}"
        loads = CostLoads(temporal_env, queue, cost_settings(tmp_path, queue))
        try:
            async with build_worker(temporal_env.client, loads.settings, session_factory(engine)):
                handle = await loads.start(source, PERIOD)
                assert await _until_retried(handle) == "discover_cost_files"
                gate.open = True
                result = await handle.result()
        finally:
            engine.dispose()

    assert _loaded_whole(result)
    assert visible_lines(demo_sessions, source)[0] == result.rows_loaded


async def test_a_mail_relay_out_of_reach_never_fails_the_load(
    temporal_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = tmp_path / "watched"
    put(folder, "cur-2023-11.csv", sample_lines())
    source, owner = a_source(demo_sessions, {"kind": "folder", "path": str(folder)})
    queue = f"cost-test-{uuid.uuid4().hex[:8]}"
    nowhere = cost_settings(tmp_path, queue, smtp_host="127.0.0.1", smtp_port=free_port())
    loads = CostLoads(temporal_env, queue, nowhere)
    async with build_worker(temporal_env.client, nowhere, demo_sessions):
        _, result = await loads.run(source, PERIOD)

    assert _loaded_whole(result)
    assert visible_lines(demo_sessions, source)[0] == result.rows_loaded
    assert messages_to(demo_sessions, owner, "cost_load_loaded") == []  # never sent
