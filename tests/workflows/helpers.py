"""Deciding on POs and reading what they left in Postgres, for workflow tests."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from temporalio.client import (
    Client,
    ScheduleActionStartWorkflow,
    ScheduleDescription,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from domain.catalog import Decision, PoStatus
from domain.entitlement import DecisionRequest
from domain.purchase_order import PoView
from domain.temporal_names import PoQuery, PoUpdate
from models import AuditEntry, BuiltinErpOrder, OutboundMessage, PurchaseOrder
from models.budgets.postings import po_balance

HISTORIES = Path(__file__).parent / "histories"
T = TypeVar("T")

PoHandle = WorkflowHandle[object, PoView]


async def decide(handle: PoHandle, actor: str, action: Decision, **fields: Any) -> PoView:
    view: PoView = await handle.execute_update(
        PoUpdate.DECIDE, DecisionRequest(actor, action, **fields), result_type=PoView
    )
    return view


async def update(handle: PoHandle, name: str, request: object) -> PoView:
    """The PO's view after the Update ``name`` accepted ``request``."""
    view: PoView = await handle.execute_update(name, request, result_type=PoView)
    return view


async def approve_round(handle: PoHandle, done: Callable[[PoView], bool]) -> PoView:
    """Approve every tier as it opens (earlier tests may have taken the line over budget, which
    adds a finance tier) until ``done`` holds; felix, who processes invoices, never approves."""
    for _ in range(200):
        view: PoView = await handle.query(PoQuery.VIEW, result_type=PoView)
        if done(view):
            return view
        people = [person for person in view.waiting_on() if person != "felix"]
        if people:
            await decide(handle, people[0], Decision.APPROVE, comment="within plan")
        await asyncio.sleep(0.1)
    tiers = [(s.name, [b.approvals for b in s.branches]) for s in view.tiers]
    raise AssertionError(f"never done: {view.status} at {view.tier_index} of {tiers}")


async def refused_rule(handle: PoHandle, actor: str, action: Decision, **fields: Any) -> str:
    """The rule the decision validator names when it refuses the decision."""
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await decide(handle, actor, action, **fields)
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError)
    return str(cause.type)


def audit_actions(session: Session, po_number: str) -> list[str]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity_id == po_number)
            .order_by(AuditEntry.sequence)
        )
    )


def audit_statuses(session: Session, po_number: str) -> list[tuple[str, str | None, str]]:
    """Each audit entry of the PO as (action, status before, status after), in order."""
    session.expire_all()
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == po_number).order_by(AuditEntry.sequence)
    )
    return [
        (entry.action, (entry.before or {}).get("status"), (entry.after or {})["status"])
        for entry in entries
    ]


def erp_orders(session: Session, po_number: str) -> int:
    return int(
        session.scalar(select(func.count()).where(BuiltinErpOrder.po_number == po_number)) or 0
    )


def messages_to(session: Session, po_number: str, recipient: str) -> list[str]:
    return [
        str(body["kind"])
        for body in session.scalars(
            select(OutboundMessage.body)
            .where(OutboundMessage.po_number == po_number, OutboundMessage.recipient == recipient)
            .order_by(OutboundMessage.id)
        )
    ]


def read_model(session: Session, po_number: str) -> PurchaseOrder:
    session.expire_all()
    row = session.get(PurchaseOrder, po_number)
    assert row is not None, f"{po_number} is not in the read model"
    return row


async def eventually(read: Callable[[], T | None], seconds: float = 10) -> T:
    """What ``read`` returns once it returns something (projections land a moment later)."""
    for _ in range(int(seconds * 10)):
        value = read()
        if value is not None:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError("nothing arrived")


async def arrives(read: Callable[[], list[str]], item: str, seconds: float = 10) -> None:
    """Wait until ``item`` shows up in what ``read`` returns (messages, audit actions)."""
    for _ in range(int(seconds * 10)):
        if item in read():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{item!r} never arrived; saw {read()}")


async def projected(session: Session, po_number: str, status: PoStatus) -> PurchaseOrder:
    """The read model row once the projection of ``status`` has landed (activities run in real
    time, a moment after the workflow's own state changes; on a busy machine, seconds)."""
    for _ in range(300):
        row = read_model(session, po_number)
        if row.status is status:
            return row
        await asyncio.sleep(0.1)
    raise AssertionError(f"{po_number} never projected as {status}; it is {row.status}")


def balance(session: Session, po_number: str) -> tuple[int, int]:
    return po_balance(session, po_number)


async def activity_calls(handle: WorkflowHandle[Any, Any]) -> tuple[list[str], int]:
    """The activities the run scheduled on the task queue, and how many markers it recorded
    (local activities' results and patches)."""
    events = (await handle.fetch_history()).events
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]
    return scheduled, sum(e.HasField("marker_recorded_event_attributes") for e in events)


async def local_activities(handle: WorkflowHandle[Any, Any]) -> list[str]:
    """The local activities the run recorded, in order."""
    events = (await handle.fetch_history()).events
    markers = [
        e.marker_recorded_event_attributes.details
        for e in events
        if e.HasField("marker_recorded_event_attributes")
    ]
    return [
        json.loads(details["data"].payloads[0].data)["activity_type"]
        for details in markers
        if "data" in details
    ]


async def search_attribute_upserts(handle: WorkflowHandle[Any, Any]) -> list[dict[str, Any]]:
    """Each upsert of the run's own search attributes (patch versions left out), as name →
    value."""
    events = (await handle.fetch_history()).events
    upserts = [
        e.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
        for e in events
        if e.HasField("upsert_workflow_search_attributes_event_attributes")
    ]
    return [
        {name: json.loads(payload.data) for name, payload in fields.items()}
        for fields in upserts
        if "TemporalChangeVersion" not in fields
    ]


async def keep_history(handle: WorkflowHandle[Any, Any], name: str) -> None:
    """With POFLOW_RECORD_HISTORIES=1, write the run's history for the replay test."""
    if os.environ.get("POFLOW_RECORD_HISTORIES") != "1":
        return
    history = await handle.fetch_history()
    HISTORIES.mkdir(exist_ok=True)
    (HISTORIES / f"{name}.json").write_text(json.dumps(history.to_json_dict(), indent=1))


async def ensured_schedule(
    client: Client, schedule_id: str, ensure: Callable[[Client, str], Awaitable[object]]
) -> tuple[ScheduleDescription, ScheduleActionStartWorkflow]:
    """The schedule ``ensure`` creates on a server without it, and the workflow it starts; a
    second ``ensure`` (for another task queue) must leave it as it is. Deleted before (a
    worker another test ran on this server made it) and after."""
    handle = client.get_schedule_handle(schedule_id)
    with contextlib.suppress(RPCError):
        await handle.delete()
    await ensure(client, "schedule-test")
    try:
        await ensure(client, "schedule-test-again")
        described = await handle.describe()
    finally:
        with contextlib.suppress(RPCError):
            await handle.delete()
    action = described.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert action.task_queue == "schedule-test"  # the second ensure left it alone
    return described, action
