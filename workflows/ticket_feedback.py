"""A comment back on a ticket that could not become a PO, retried until the ITSM tool takes it."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.temporal_names import WorkflowType
    from domain.tickets import TicketUpdate
    from workflows import activity_calls as calls


@workflow.defn(name=WorkflowType.TICKET_FEEDBACK)
class TicketFeedbackWorkflow:
    @workflow.run
    async def run(self, update: TicketUpdate) -> None:
        await calls.update_ticket(update)
