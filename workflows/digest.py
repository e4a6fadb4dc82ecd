"""The daily digest of held notifications (started by the schedule in ``digest_schedule``)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.temporal_names import WorkflowType
    from workflows import activity_calls as calls


@workflow.defn(name=WorkflowType.NOTIFICATION_DIGEST)
class NotificationDigestWorkflow:
    """E-mails each person who chose a digest every message held for them up to the workflow's
    start; returns the number of digests sent. Messages a failed run leaves held go out in the
    next run."""

    @workflow.run
    async def run(self) -> int:
        return await calls.send_digests(workflow.now())
