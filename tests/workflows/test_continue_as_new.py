"""An issued PO continues as new when Temporal suggests its history has grown, carrying its
state: the new run still answers queries, accepts a cancellation and closes correctly."""

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from devstack.temporal import cli_binary
from domain.catalog import Decision, PoStatus
from domain.purchase_order import CancelRequest, PoView, PurchaseOrderStart
from domain.temporal_names import PoQuery, PoUpdate, WorkflowType, workflow_id_for
from models.db import unit_of_work
from models.purchase_orders.records import next_po_number
from settings import Settings
from temporal_client.converter import DATA_CONVERTER
from tests.builders.requisitions import laptops
from tests.workflows.conftest import view_when, waiting
from tests.workflows.helpers import audit_actions, balance, decide, erp_orders
from worker import build_worker
from workflows import search_attributes

pytestmark = pytest.mark.slow


@pytest.fixture
async def small_history_env() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server that suggests continuing as new after 20 history events."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(cli_binary()),
        dev_server_log_level="error",
        data_converter=DATA_CONVERTER,
        search_attributes=search_attributes.ALL,
        dev_server_extra_args=[
            "--dynamic-config-value",
            "limit.historyCount.suggestContinueAsNew=20",
        ],
    )
    yield env
    await env.shutdown()


async def test_an_issued_po_continues_as_new_with_its_state(
    small_history_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session]
) -> None:
    settings = Settings(_env_file=None, temporal_task_queue=f"can-{uuid.uuid4().hex[:8]}")
    client = small_history_env.client
    with unit_of_work(demo_sessions) as session:
        number = next_po_number(session)
    async with build_worker(client, settings, demo_sessions):
        handle: WorkflowHandle[object, PoView] = await client.start_workflow(
            WorkflowType.PURCHASE_ORDER,
            PurchaseOrderStart(number, laptops()),
            id=workflow_id_for(number),
            task_queue=settings.temporal_task_queue,
            result_type=PoView,
        )
        first_run = handle.result_run_id
        await view_when(handle, waiting)
        await decide(handle, "priya", Decision.APPROVE)
        view = await view_when(
            client.get_workflow_handle(handle.id, result_type=PoView),
            lambda v: v.status is PoStatus.ISSUED and v.erp_reference is not None,
        )
        latest = client.get_workflow_handle(handle.id, result_type=PoView)
        described = await latest.describe()
        for _ in range(100):
            if described.run_id != first_run:
                break
            described = await latest.describe()
        assert described.run_id != first_run  # a new run of the same PO
        carried = await latest.query(PoQuery.VIEW, result_type=PoView)
        assert carried.erp_reference == view.erp_reference
        assert [d.actor for d in carried.decisions] == ["priya"]
        cancelled = await latest.execute_update(
            PoUpdate.CANCEL,
            CancelRequest("paul", "vendor went bankrupt", actor_is_procurement=True),
            result_type=PoView,
        )
        assert cancelled.status is PoStatus.CANCELLED
    with demo_sessions() as db:
        assert erp_orders(db, number) == 1 and balance(db, number) == (0, 0)
        assert audit_actions(db, number)[-1] == "po.cancelled"
