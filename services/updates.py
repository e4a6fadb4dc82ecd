"""Sending an Update to a PO's (or a renewal's) workflow: the validator's refusal comes back as
``RuleRefused`` with its rule."""

from __future__ import annotations

from typing import Any, TypeVar

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from services.refusals import RULE_KINDS, RuleRefused

Result = TypeVar("Result")


async def run_update(
    handle: WorkflowHandle[Any, Any],
    update: str,
    argument: object,
    result_type: type[Result],
    *,
    missing: RuleRefused,
    update_id: str | None = None,
) -> Result:
    """Execute ``update``; a validator's refusal becomes ``RuleRefused`` with its rule, and a
    workflow that is not running (never started, or finished) becomes ``missing``. An
    ``update_id`` seen before in the run answers with that update's outcome, running nothing."""
    try:
        result: Result = await handle.execute_update(
            update, argument, id=update_id, result_type=result_type
        )
    except WorkflowUpdateFailedError as error:
        cause = error.cause
        if isinstance(cause, ApplicationError) and cause.type in RULE_KINDS:
            raise RuleRefused(cause.type, cause.message) from error
        raise
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise missing from error
        raise
    return result


def not_running(po_number: str) -> RuleRefused:
    return RuleRefused("not_waiting", f"{po_number} is no longer running; nothing can change it")
