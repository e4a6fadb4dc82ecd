"""A PO just accepted can be read at once, worker or not: the API, its page and the requester's
list show it as validating with its requisition, and the worker's projection takes it over."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from models.purchase_orders.records import PurchaseOrder
from settings import Settings
from tests.api import e2e
from tests.api.e2e import Stack, storage_body
from tests.web.pages import person
from worker import build_worker


@pytest.fixture(scope="module")
def settings(temporal_env: WorkflowEnvironment) -> Settings:
    return Settings(
        _env_file=None,
        environment="test",
        temporal_address=temporal_env.client.service_client.config.target_host,
        temporal_task_queue=f"no-worker-yet-{uuid.uuid4().hex[:8]}",
    )


@pytest.fixture(scope="module")
async def idle(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    settings: Settings,
) -> AsyncIterator[Stack]:
    """The real app on a task queue that no worker polls (yet)."""
    serving = e2e.serve_app_alone(demo_database_url, temporal_env, demo_sessions, settings)
    async with serving as stack:
        yield stack


async def test_a_po_accepted_while_no_worker_runs_reads_as_validating(
    idle: Stack, settings: Settings
) -> None:
    body = storage_body(title="Archive storage while the worker is down")
    number = await idle.submit("alex", body)

    po = (await idle.get("alex", f"/api/purchase-orders/{number}")).json()
    assert (po["po_number"], po["status"], po["requester"]) == (number, "validating", "alex")
    assert (po["amount_minor"], po["currency"], po["current_approvers"]) == (2_100, "EUR", [])
    assert po["detail"]["requisition"]["title"] == body["title"]
    listed = (await idle.get("alex", "/api/purchase-orders", status="validating")).json()
    assert number in [summary["po_number"] for summary in listed]

    alex = await person(idle, "alex")
    page = await alex.get(f"/po/{number}")
    assert page.status_code == 200 and "validating" in page.text and body["title"] in page.text
    assert number in (await alex.get("/my-requests")).text

    async with build_worker(idle.temporal, settings, idle.sessions):
        po = await idle.pending(number)
    assert po["current_approvers"] == ["priya"]
    with idle.sessions() as session:
        row = session.scalars(select(PurchaseOrder).where(PurchaseOrder.po_number == number)).one()
        assert row.last_event_sequence > 0
        assert None not in (row.requester_id, row.cost_center_id, row.vendor_id)
