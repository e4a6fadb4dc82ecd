"""For an ERP that does not call poflow's webhook: the scheduled poll reads the ERP's event feed,
hands each status to its PO once, and starts after the last event it passed on."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.erp import ErpBook, erp_simulator_app
from domain.catalog import PoStatus
from domain.purchase_order import PoView
from domain.temporal_names import PoQuery
from settings import Settings
from tests.builders.requisitions import laptops, own_cost_center
from tests.workflows.conftest import PoRunner, view_when, waiting
from tests.workflows.helpers import approve_round, arrives, audit_actions, keep_history
from worker import build_worker
from workflows.erp_status_poll import ErpStatusPollWorkflow

TOKEN = "poll-test-token"


@pytest.fixture
async def erp_runner(
    time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session]
) -> AsyncIterator[tuple[PoRunner, ErpBook]]:
    """POs on a worker issuing to an ERP simulator that has no webhook to call."""
    book = ErpBook(token=TOKEN)
    sock = loopback_socket()
    queue = f"po-poll-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        _env_file=None,
        temporal_task_queue=queue,
        erp_url=f"{url_of(sock)}/api/v1",
        erp_token=TOKEN,
        erp_poll_minutes=5,
    )
    runner = PoRunner(time_env, demo_sessions, queue)
    with served(erp_simulator_app(book), sock):
        async with build_worker(time_env.client, settings, demo_sessions):
            yield runner, book
            await runner.end_all()


async def _poll(runner: PoRunner) -> int:
    handle = await runner.env.client.start_workflow(
        ErpStatusPollWorkflow.run, id=f"erp-poll-{uuid.uuid4().hex[:8]}", task_queue=runner.queue
    )
    with runner.env.auto_time_skipping_disabled():
        passed_on: int = await handle.result()
    if passed_on:
        await keep_history(handle, "erp_status_poll")
    return passed_on


async def test_the_poll_hands_each_status_to_its_po_once(
    erp_runner: tuple[PoRunner, ErpBook], db: Session
) -> None:
    runner, book = erp_runner
    await _poll(runner)  # start after whatever the feed holds already
    handle = await runner.start(replace(laptops(2), cost_center=own_cost_center(db)))
    await view_when(handle, waiting)
    view = await approve_round(handle, lambda v: v.status is PoStatus.ISSUED)
    order = view.erp_reference
    assert order is not None
    book.advance(order, "acknowledged")
    book.advance(order, "received", "12 of 12 delivered")

    assert await _poll(runner) == 2
    view = await view_when(handle, lambda v: v.erp_status == "received")
    assert len(view.erp_events) == 2
    await arrives(lambda: audit_actions(db, view.po_number), "erp.received")
    assert await _poll(runner) == 0  # the cursor moved past both
    book.advance(order, "invoiced")
    assert await _poll(runner) == 1
    view = await view_when(handle, lambda v: v.erp_status == "invoiced")
    await arrives(lambda: audit_actions(db, view.po_number), "erp.invoiced")
    actions = audit_actions(db, view.po_number)
    assert actions.count("erp.acknowledged") == actions.count("erp.received") == 1
    assert (await handle.query(PoQuery.VIEW, result_type=PoView)).status is PoStatus.ISSUED
