"""`poflow audit verify --workflows`: each PO's audit entries held against what its workflow
recorded, on the Temporal dev server with a real worker. An entry removed, or a decision whose
actor was rewritten (hashes recomputed, so the chain alone may not show it), is reported."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from cli.audit_workflows import po_workflow_discrepancies
from domain.audit_chain import entry_hash
from domain.catalog import Decision, PoStatus
from domain.temporal_names import PoQuery
from models.audit.entries import AuditEntry
from models.db import build_engine
from tests.builders.requisitions import laptops
from tests.workflows.conftest import PoRunner, running_pos, view_when, waiting
from tests.workflows.helpers import decide, eventually


@pytest.fixture
async def runner(
    temporal_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session]
) -> AsyncIterator[PoRunner]:
    async with running_pos(temporal_env, demo_sessions, "audit-check") as runner:
        yield runner


@pytest.fixture
def owner_demo_sessions(demo_owner_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions as the owner, in a transaction rolled back after the test."""
    engine = build_engine(demo_owner_url, pool_size=1)
    with engine.connect() as connection:
        transaction = connection.begin()
        yield sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        transaction.rollback()
    engine.dispose()


def _entries(sessions: sessionmaker[Session], workflow_id: str) -> int:
    with sessions() as session:
        count = session.scalar(select(func.count()).where(AuditEntry.workflow_id == workflow_id))
        return int(count or 0)


async def _listed(runner: PoRunner, workflow_id: str) -> None:
    """Wait until Temporal's visibility lists the workflow (it does within moments)."""
    query = f"TaskQueue = '{runner.queue}'"
    for _ in range(100):
        if workflow_id in {e.id async for e in runner.env.client.list_workflows(query)}:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{workflow_id} never listed")


async def test_the_trail_is_held_against_each_pos_workflow(
    runner: PoRunner,
    demo_sessions: sessionmaker[Session],
    owner_demo_sessions: sessionmaker[Session],
) -> None:
    handle = await runner.start(laptops())
    view = await view_when(handle, waiting)
    approver = view.waiting_on()[0]
    await decide(handle, approver, Decision.APPROVE)
    # Issued: the workflow records nothing more, so its count of events stands still.
    view = await view_when(handle, lambda v: v.status is PoStatus.ISSUED)
    client, queue = runner.env.client, runner.queue
    recorded = await handle.query(PoQuery.RECORDED_CHANGES, result_type=int)
    await eventually(lambda: _entries(demo_sessions, handle.id) == recorded or None)
    await _listed(runner, handle.id)
    assert await po_workflow_discrepancies(client, queue, demo_sessions) == []

    with owner_demo_sessions.begin() as session:
        session.execute(text("SET LOCAL session_replication_role = replica"))
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.workflow_id == handle.id)
            .order_by(AuditEntry.sequence)
        ).all()
        decision = next(e for e in entries if e.action == "decision.approve")
        decision.actor = "mallory"
        decision.hash = entry_hash(decision.previous_hash, decision.chained_content())
        session.delete(entries[-1])
        session.flush()
        found = await po_workflow_discrepancies(client, queue, owner_demo_sessions)

    at = next(d.at for d in view.decisions if d.actor == approver).isoformat()
    assert found == [
        f"{handle.id}: changes {recorded} of the {recorded} the workflow recorded have no "
        "audit entry",
        f"{handle.id}: {approver}'s decision.approve at {at} has no audit entry",
        f"{handle.id}: the trail records mallory's decision.approve at {at}, which the "
        "workflow never took",
    ]
