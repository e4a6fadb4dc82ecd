"""What must hold after any outage: no PO workflow failed, every PO rests in a final or waiting
state, and no PO whose workflow has ended still holds a reservation."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from temporalio.client import WorkflowExecutionStatus

from models.budgets.postings import po_balance
from models.db import unit_of_work
from tests.api import e2e
from tests.faults.stack import FaultStack

RESTING = {
    "pending_approval",
    "information_requested",
    "approved",
    "issued",
    "rejected",
    "refused",
    "cancelled",
    "closed",
    "needs_attention",
}
NO_ANSWER = 0
DEAD = {
    WorkflowExecutionStatus.FAILED,
    WorkflowExecutionStatus.TERMINATED,
    WorkflowExecutionStatus.TIMED_OUT,
}


async def raise_all(stack: FaultStack, bodies: list[e2e.Json], user: str = "alex") -> list[str]:
    """Raise every requisition at once; their PO numbers."""

    async def one(body: e2e.Json) -> str:
        answer = await stack.http.post("/api/requisitions", json=body, headers=stack.auth(user))
        assert answer.status_code == 201, answer.text
        return str(answer.json()["po_number"])

    return list(await asyncio.gather(*(one(body) for body in bodies)))


async def po(stack: FaultStack, number: str) -> dict[str, Any]:
    answer = await stack.http.get(f"/api/purchase-orders/{number}", headers=stack.auth("ines"))
    return answer.json() if answer.status_code == 200 else {}


async def all_in(stack: FaultStack, numbers: list[str], statuses: set[str]) -> bool:
    seen = await asyncio.gather(*(po(stack, number) for number in numbers))
    return all(found.get("status") in statuses for found in seen)


async def approve(stack: FaultStack, number: str, approver: str, key: str) -> int:
    """One approval as ``approver`` (with an Idempotency-Key, so a resend counts once); the
    HTTP status it was answered with, or ``NO_ANSWER`` when none came in time (a decision
    waits for its workflow to record it, which waits for Postgres)."""
    try:
        answer = await stack.http.post(
            f"/api/purchase-orders/{number}/decisions",
            json={"action": "approve", "comment": "fine"},
            headers=stack.auth(approver, **{"Idempotency-Key": key}),
            timeout=10,
        )
    except httpx.TimeoutException:
        return NO_ANSWER
    return answer.status_code


async def dead_workflows(stack: FaultStack) -> list[str]:
    """Workflows of this stack that failed, were terminated or timed out."""
    found = []
    query = f"TaskQueue = '{stack.task_queue}'"
    async for execution in stack.temporal.list_workflows(query):
        if execution.status in DEAD:
            found.append(f"{execution.id}: {execution.status.name}")
    return found


async def held_by_ended_pos(stack: FaultStack) -> dict[str, int]:
    """Reservations still held by POs whose workflow has ended (nothing can release them)."""
    held: dict[str, int] = {}
    query = f"TaskQueue = '{stack.task_queue}' AND ExecutionStatus != 'Running'"
    async for execution in stack.temporal.list_workflows(query):
        if not execution.id.startswith("po-"):
            continue
        number = execution.id.removeprefix("po-")
        with unit_of_work(stack.sessions) as session:
            reserved, _ = po_balance(session, number)
        if reserved:
            held[number] = reserved
    return held


async def assert_nothing_lost(stack: FaultStack, numbers: list[str]) -> None:
    await stack.until(
        "every PO resting in a final or waiting state", lambda: all_in(stack, numbers, RESTING)
    )
    dead = await dead_workflows(stack)
    assert not dead, f"workflows ended without finishing: {dead}"
    held = await held_by_ended_pos(stack)
    assert not held, f"reservations (minor units) held by POs whose workflow ended: {held}"
