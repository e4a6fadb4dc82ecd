"""How the month-end close calls its activities: Postgres steps as local activities retried
until they succeed (each is keyed); the ERP export in rounds of a few tries, so the close can
show "export pending" between rounds instead of retrying out of sight."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from domain.close.messages import (
        CloseDraft,
        CloseOpening,
        CloseStart,
        CloseStep,
        ExportOutcome,
        JournalPosting,
        Reconciliation,
    )
    from domain.temporal_names import Activity
    from workflows.activity_calls import DATABASE, OUTSIDE, call

# One round of tries at the ERP; between rounds the close waits ``EXPORT_RETRY``.
EXPORT_ROUND = RetryPolicy(maximum_attempts=3, maximum_interval=timedelta(minutes=1))
EXPORT_TIMEOUT = timedelta(minutes=2)


async def open_close(start: CloseStart) -> CloseOpening:
    opening: CloseOpening = await call(Activity.OPEN_CLOSE, [start], DATABASE, CloseOpening)
    return opening


async def record_step(step: CloseStep) -> None:
    await call(Activity.RECORD_CLOSE_STEP, [step], DATABASE)


async def draft_accruals(start: CloseStart) -> CloseDraft:
    draft: CloseDraft = await call(Activity.DRAFT_ACCRUALS, [start], DATABASE, CloseDraft)
    return draft


async def post_to_ledger(posting: JournalPosting) -> int:
    posted: int = await call(Activity.POST_CLOSE_JOURNAL, [posting], DATABASE, int)
    return posted


async def export_round(posting: JournalPosting) -> ExportOutcome:
    """One round of tries; raises ``ActivityError`` when the ERP stayed out of reach."""
    outcome: ExportOutcome = await workflow.execute_activity(
        Activity.EXPORT_CLOSE_JOURNAL,
        posting,
        result_type=ExportOutcome,
        start_to_close_timeout=EXPORT_TIMEOUT,
        retry_policy=EXPORT_ROUND,
    )
    return outcome


async def reconcile(period: str) -> Reconciliation:
    """The ERP's GL export is an outside call: retried like one."""
    found: Reconciliation = await call(Activity.RECONCILE_CLOSE, [period], OUTSIDE, Reconciliation)
    return found
