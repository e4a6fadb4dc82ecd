"""A delivery from an ITSM tool becomes at most one PO: the raw delivery is kept first (nothing is
lost), a delivery seen before answers with what it started, and a ticket that cannot become a
valid requisition gets a comment back saying what is missing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from anyio.to_thread import run_sync
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from domain.catalog import Role
from domain.requisition import Requisition
from domain.temporal_names import WorkflowType, itsm_workflow_id
from domain.tickets import TicketRequest, TicketUpdate
from models.db import unit_of_work
from models.integrations.itsm import StoredDelivery, claim_ticket, settle_delivery, store_delivery
from models.people.accounts import find_by_name_or_email
from models.purchase_orders.records import record_submitted
from services.requisitions import refusals_of, start_po
from services.runtime import ServiceRuntime

# The ticket as a requisition for the named requester, or its problems one line each.
TicketReading = Callable[[TicketRequest, str], Requisition | list[str]]


class TicketUnreadable(Exception):
    """The ticket a delivery names could not be read: ``missing`` when the ITSM tool or the
    body holds no such ticket, else the tool did not answer."""

    def __init__(self, why: str, missing: bool = True) -> None:
        super().__init__(why)
        self.missing = missing


@dataclass(frozen=True)
class IntakeDelivery:
    source: str  # servicenow, jira, glpi
    key: str  # what makes a delivery the same delivery again
    headers: dict[str, str]
    body: str


@dataclass(frozen=True)
class Intake:
    outcome: Literal["started", "duplicate", "refused"]
    po_number: str | None = None
    workflow_id: str | None = None
    ticket: str | None = None
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TicketSource:
    """Where the delivery's ticket is read, and how it reads as a requisition (as the JSON
    API's requisition body, so the caller that owns that body passes it in)."""

    read: Callable[[], TicketRequest]  # raises ``TicketUnreadable``
    to_requisition: TicketReading


async def take_in(
    runtime: ServiceRuntime, delivery: IntakeDelivery, source: TicketSource
) -> Intake:
    """Keep the delivery, read its ticket, and start the ticket's PO once; a ticket that is not
    a valid requisition is answered on the ticket. ``TicketUnreadable`` leaves the delivery
    kept and open, so the same delivery sent again is taken in."""
    stored = await run_sync(_store, runtime, delivery)
    if not stored.first:
        return Intake("duplicate", stored.po_number)
    try:
        ticket = await run_sync(source.read)
    except TicketUnreadable:
        await run_sync(_settle, runtime, stored.id, "unreadable", None)
        raise
    requisition = await run_sync(_requisition, runtime, ticket, source.to_requisition)
    if isinstance(requisition, list):
        await run_sync(_settle, runtime, stored.id, "refused", ticket.ticket, None, requisition)
        await _answer_refusal(runtime, stored.id, ticket, requisition)
        return Intake("refused", ticket=ticket.ticket, problems=requisition)
    workflow_id = itsm_workflow_id(ticket.ticket)
    number, new = await run_sync(
        _claim, runtime, stored.id, ticket.ticket, workflow_id, requisition
    )
    await start_po(runtime.temporal, runtime.settings, number, requisition, workflow_id)
    return Intake("started" if new else "duplicate", number, workflow_id, ticket.ticket)


def _store(runtime: ServiceRuntime, delivery: IntakeDelivery) -> StoredDelivery:
    with unit_of_work(runtime.sessions) as session:
        return store_delivery(
            session, delivery.source, delivery.key, delivery.headers, delivery.body
        )


def _requisition(
    runtime: ServiceRuntime, ticket: TicketRequest, to_requisition: TicketReading
) -> Requisition | list[str]:
    with unit_of_work(runtime.sessions) as session:
        requester = find_by_name_or_email(session, ticket.requested_by)
        if requester is None:
            return [f"the requester {ticket.requested_by!r} is not a poflow user"]
        if Role.REQUESTER not in requester.role_names:
            return [f"{requester.username} does not hold the requester role in poflow"]
        requisition = to_requisition(ticket, requester.username)
        if isinstance(requisition, list):
            return requisition
        return [failure.message for failure in refusals_of(session, requisition)] or requisition


def _claim(
    runtime: ServiceRuntime,
    delivery_id: int,
    ticket: str,
    workflow_id: str,
    requisition: Requisition,
) -> tuple[str, bool]:
    """The ticket's PO number; a new one is recorded as submitted with it."""
    with unit_of_work(runtime.sessions) as session:
        number, new = claim_ticket(session, ticket, workflow_id)
        if new:
            base_currency = runtime.settings.base_currency
            record_submitted(session, number, workflow_id, requisition, base_currency)
        settle_delivery(session, delivery_id, "started" if new else "duplicate", ticket, number)
    return number, new


def _settle(runtime: ServiceRuntime, *outcome: Any) -> None:
    """``settle_delivery`` in a transaction of its own."""
    with unit_of_work(runtime.sessions) as session:
        settle_delivery(session, *outcome)


async def _answer_refusal(
    runtime: ServiceRuntime,
    delivery_id: int,
    ticket: TicketRequest,
    problems: list[str],
) -> None:
    """Write the problems back to the ticket through a workflow, so the comment is retried
    until the ITSM tool takes it."""
    note = "poflow cannot raise a purchase order from this request: " + "; ".join(problems)
    update = TicketUpdate(
        ticket.ticket, "refused", "", note, f"itsm-delivery-{delivery_id}:refused"
    )
    await runtime.temporal.start_workflow(
        WorkflowType.TICKET_FEEDBACK,
        update,
        id=f"itsm-feedback-{delivery_id}",
        task_queue=runtime.settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        static_summary=f"{ticket.number}: {len(problems)} problem(s) written back",
    )
