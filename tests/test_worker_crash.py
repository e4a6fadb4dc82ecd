"""Killing the worker mid-approval loses nothing: a new worker picks the PO up where it was, and
the ERP receives it exactly once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from domain.catalog import Decision, PoStatus
from domain.entitlement import DecisionRequest
from domain.purchase_order import PoView, PurchaseOrderStart
from domain.temporal_names import PoUpdate, WorkflowType, workflow_id_for
from models.db import unit_of_work
from models.purchase_orders.records import next_po_number
from tests.builders.processes import clean_environment
from tests.builders.requisitions import saas_subscription
from tests.workflows.conftest import view_when, waiting
from tests.workflows.helpers import audit_actions, balance, erp_orders, projected

pytestmark = pytest.mark.slow


class WorkerProcess:
    """``poflow worker`` as its own process, as operators run it."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli", "worker"],
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def worker_process(
    demo_database_url: str, temporal_env: WorkflowEnvironment, tmp_path: Path
) -> Iterator[WorkerProcess]:
    env = clean_environment(
        DATABASE_URL=demo_database_url,
        POFLOW_TEMPORAL_ADDRESS=temporal_env.client.service_client.config.target_host,
        POFLOW_TEMPORAL_TASK_QUEUE=f"crash-{uuid.uuid4().hex[:8]}",
    )
    worker = WorkerProcess(env, tmp_path / "worker.log")
    yield worker
    worker.stop()


async def test_a_killed_worker_loses_nothing_and_issues_once(
    worker_process: WorkerProcess,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(demo_sessions) as session:
        number = next_po_number(session)
    worker_process.start()
    handle = await temporal_env.client.start_workflow(
        WorkflowType.PURCHASE_ORDER,
        PurchaseOrderStart(number, saas_subscription(30_000, pii=False)),
        id=workflow_id_for(number),
        task_queue=worker_process.env["POFLOW_TEMPORAL_TASK_QUEUE"],
        result_type=PoView,
    )
    await view_when(handle, waiting, seconds=60)
    await handle.execute_update(PoUpdate.DECIDE, DecisionRequest("sam", Decision.APPROVE))
    await view_when(handle, lambda v: v.waiting_on() == ["tom"], seconds=30)

    worker_process.kill()
    decision = asyncio.create_task(
        handle.execute_update(PoUpdate.DECIDE, DecisionRequest("tom", Decision.APPROVE))
    )
    await asyncio.sleep(2)
    assert not decision.done()  # nobody is there to take it while the worker is down
    worker_process.start()
    await asyncio.wait_for(decision, timeout=60)
    await view_when(handle, lambda v: v.status is PoStatus.ISSUED, seconds=60)

    with demo_sessions() as db:
        await projected(db, number, PoStatus.ISSUED)
        assert erp_orders(db, number) == 1
        assert balance(db, number) == (0, 3_000_000)
        assert audit_actions(db, number).count("decision.approve") == 2
