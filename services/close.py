"""The month-end close, the same from the JSON API, the pages and the CLI: start a period's
close (once: a second start changes nothing) and send finance's decision to it as an Update,
whose validator refuses the one who started it and anyone it does not wait on."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.close.messages import CloseDecision, CloseStart, CloseView
from domain.temporal_names import CloseUpdate, WorkflowType, close_workflow_id
from models.people.records import User
from services.costs.accounts import period_start
from services.decisions import refuse_unstorable_text
from services.idempotency import update_id
from services.refusals import RuleRefused
from services.updates import run_update
from settings import Settings


async def start_close(
    temporal: Client, settings: Settings, user: User, period: str, grace_days: int = 5
) -> bool:
    """Start the close of ``period`` (``YYYY-MM``; refused otherwise, as ``invalid_period``)
    started by ``user``, drafting its accruals ``grace_days`` after the period ended; whether
    it started now (False: it was started before, and nothing changed)."""
    period_start(period)
    try:
        await temporal.start_workflow(
            WorkflowType.MONTH_END_CLOSE,
            CloseStart(period, started_by=user.username, grace_days=grace_days),
            id=close_workflow_id(period),
            task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"month-end close {period} started by {user.username}",
        )
    except WorkflowAlreadyStartedError:
        return False
    return True


async def decide_close(
    temporal: Client,
    user: User,
    period: str,
    approve: bool,
    comment: str = "",
    key: str | None = None,
) -> CloseView:
    """The close's answer to the decision; ``RuleRefused`` names the rule when it is refused
    (``not_waiting``, ``segregation_of_duties``, ``not_entitled``)."""
    refuse_unstorable_text("comment", comment)
    missing = RuleRefused("not_waiting", f"the close of {period} is not running")
    decision = CloseDecision(user.username, approve, comment.strip())
    return await run_update(
        temporal.get_workflow_handle(close_workflow_id(period)),
        CloseUpdate.DECIDE,
        decision,
        CloseView,
        missing=missing,
        update_id=update_id(f"{CloseUpdate.DECIDE}:{period}", user, key),
    )
