"""Refusals as HTTP answers: a workflow Update's refusal (its rule) mapped to a status code, and
the route class that renders a refusal as ``{"detail": message, "rule": rule, ...extra}``."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from fastapi import status
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.problems import problem

Result = TypeVar("Result")

# The rules a workflow validator refuses with, and what each means to an API client.
RULE_STATUS: dict[str, int] = {
    "not_waiting": status.HTTP_409_CONFLICT,
    "not_cancellable": status.HTTP_409_CONFLICT,
    "notice_deadline_passed": status.HTTP_409_CONFLICT,
    "not_entitled": status.HTTP_403_FORBIDDEN,
    "self_approval": status.HTTP_403_FORBIDDEN,
    "segregation_of_duties": status.HTTP_403_FORBIDDEN,
    "delegation_not_valid": status.HTTP_403_FORBIDDEN,
    "comment_required": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "invalid_forward": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "already_extended": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "invalid_extension": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "not_issued": status.HTTP_409_CONFLICT,
    "change_pending": status.HTTP_409_CONFLICT,
    "nothing_changed": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "invalid_lines": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "not_blanket": status.HTTP_409_CONFLICT,
    "below_consumed": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "invoice_number_required": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "duplicate_invoice": status.HTTP_409_CONFLICT,
    "invalid_amount": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "above_ceiling": status.HTTP_422_UNPROCESSABLE_CONTENT,
}


class Refused(HTTPException):
    """A request poflow understood and refuses; rendered as a ``Problem``: ``{"detail": message,
    "rule": ..., **extra}``, the rule named by ``extra`` or else by the status code. (An app
    without poflow's handlers answers it as the HTTP error it is.)"""

    detail: str

    def __init__(self, status_code: int, detail: str, **extra: Any) -> None:
        super().__init__(status_code, detail)
        self.extra = extra

    def response(self) -> JSONResponse:
        extra = dict(self.extra)
        return problem(self.status_code, self.detail, extra.pop("rule", None), **extra)


def rule_refused(rule: str, message: str) -> Refused:
    return Refused(RULE_STATUS.get(rule, status.HTTP_409_CONFLICT), message, rule=rule)


class RefusalRoute(APIRoute):
    """Routes of this class answer a raised ``Refused`` with its own body and status."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def refusing_handler(request: Request) -> Response:
            try:
                return await handle(request)
            except Refused as refusal:
                return refusal.response()

        return refusing_handler


async def run_update(
    handle: WorkflowHandle[Any, Any],
    update: str,
    argument: object,
    result_type: type[Result],
    *,
    missing: Refused,
    update_id: str | None = None,
) -> Result:
    """Execute ``update``; a validator's refusal becomes ``Refused`` with its rule, and a
    workflow that is not running (never started, or finished) becomes ``missing``. An
    ``update_id`` seen before in the run answers with that update's outcome, running nothing."""
    try:
        result: Result = await handle.execute_update(
            update, argument, id=update_id, result_type=result_type
        )
    except WorkflowUpdateFailedError as error:
        cause = error.cause
        if isinstance(cause, ApplicationError) and cause.type in RULE_STATUS:
            raise rule_refused(cause.type, cause.message) from error
        raise
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise missing from error
        raise
    return result
