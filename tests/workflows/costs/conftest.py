"""Cost-load workflow tests: the real Temporal dev server (real time: stores and Postgres that
are out of reach are retried on the activities' own back-off), a worker with every workflow and
activity on a task queue of its own, the demo database, and moto's S3 server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.costs.load_messages import (
    CostFileRef,
    CostLoadRequest,
    CostLoadResult,
    cost_load_workflow_id,
)
from domain.temporal_names import WorkflowType
from settings import Settings
from tests.builders.s3_server import ACCESS_KEY, SECRET_KEY, S3Server, s3_server
from worker import build_worker

LoadHandle = WorkflowHandle[object, CostLoadResult]


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


def cost_settings(root: Path, queue: str, **more: object) -> Settings:
    return Settings(
        _env_file=None,
        temporal_task_queue=queue,
        data_dir=root,
        cost_bucket_access_key_id=ACCESS_KEY,
        cost_bucket_secret_access_key=SECRET_KEY,
        **more,  # type: ignore[arg-type]
    )


@dataclass
class CostLoads:
    """Starts cost loads on the test's worker."""

    env: WorkflowEnvironment
    queue: str
    settings: Settings

    @property
    def upload_dir(self) -> Path:
        return self.settings.cost_files.upload_dir

    async def start(
        self, source: str, period: str, files: tuple[CostFileRef, ...] = ()
    ) -> LoadHandle:
        return await self.env.client.start_workflow(
            WorkflowType.COST_LOAD,
            CostLoadRequest(source, period, files),
            id=cost_load_workflow_id(source, period),
            task_queue=self.queue,
            result_type=CostLoadResult,
        )

    async def run(
        self, source: str, period: str, files: tuple[CostFileRef, ...] = ()
    ) -> tuple[LoadHandle, CostLoadResult]:
        handle = await self.start(source, period, files)
        return handle, await handle.result()


@pytest.fixture
async def cost_loads(
    temporal_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session], tmp_path: Path
) -> AsyncIterator[CostLoads]:
    queue = f"cost-test-{uuid.uuid4().hex[:8]}"
    settings = cost_settings(tmp_path, queue)
    async with build_worker(temporal_env.client, settings, demo_sessions):
        yield CostLoads(temporal_env, queue, settings)
