"""Fifty requisitions whose data Postgres refuses (a NUL byte, an amount past bigint, an unknown
currency), started as a workflow would be if they slipped past the API, hold no worker slot:
a normal PO raised beside them is decided and issued, and each poisoned PO rests in a state an
operator sees."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from domain.purchase_order import PoView, PurchaseOrderStart
from domain.requisition import Requisition
from domain.temporal_names import PoQuery, WorkflowType, workflow_id_for
from models.db import unit_of_work
from models.purchase_orders.records import next_po_number
from tests.api import e2e
from tests.builders.requisitions import saas_subscription
from tests.faults.checks import all_in, approve, dead_workflows, raise_all
from tests.faults.stack import FaultStack

pytestmark = pytest.mark.slow
POISONED = 50


def _poisoned(kind: int) -> Requisition:
    base = saas_subscription(pii=False)
    line = base.lines[0]
    return (
        replace(base, title="Developer\x00suite"),
        replace(base, lines=(replace(line, quantity=10**20),)),
        replace(base, currency="XXX"),
    )[kind % 3]


async def _start_poisoned(faults: FaultStack) -> list[str]:
    numbers = []
    for kind in range(POISONED):
        with unit_of_work(faults.sessions) as session:
            number = next_po_number(session)
        await faults.temporal.start_workflow(
            WorkflowType.PURCHASE_ORDER,
            PurchaseOrderStart(number, _poisoned(kind)),
            id=workflow_id_for(number),
            task_queue=faults.task_queue,
        )
        numbers.append(number)
    return numbers


async def _status(faults: FaultStack, number: str) -> str:
    view = await faults.temporal.get_workflow_handle(workflow_id_for(number)).query(
        PoQuery.VIEW, result_type=PoView
    )
    return str(view.status)


async def test_poisoned_requisitions_do_not_hold_up_a_normal_decision(faults: FaultStack) -> None:
    poisoned = await _start_poisoned(faults)
    [normal] = await raise_all(faults, [e2e.storage_body(terabytes=80)])
    await faults.until(
        "the normal PO waiting", lambda: all_in(faults, [normal], {"pending_approval"})
    )
    answer = await asyncio.wait_for(approve(faults, normal, "priya", f"poison-{normal}"), 60)
    assert answer == 200
    await faults.until("the normal PO issued", lambda: all_in(faults, [normal], {"issued"}))

    async def all_resting() -> bool:
        statuses = await asyncio.gather(*(_status(faults, n) for n in poisoned))
        return set(statuses) <= {"needs_attention", "refused"}

    await faults.until("every poisoned PO resting where an operator sees it", all_resting, 120)
    assert await dead_workflows(faults) == []
