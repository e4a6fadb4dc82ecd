"""Telling a failure that a retry may cure from one it never will.

Postgres refusing the data (a NUL byte in a text, a number out of range, a constraint other than
a unique key), a value that cannot be converted, or an outside system refusing the request with a
4xx (bad credentials, a body it rejects) fails the same way on every try: such an
error becomes a non-retryable ``ApplicationError`` of type ``STEP_FAILED``, so the workflow stops
retrying and holds the PO for an operator (``workflows.attention``). Everything else (the
database or an outside system out of reach or failing with a 5xx, a lost race on a unique key)
is retried."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg
from psycopg import errors as pg_errors
from sqlalchemy import exc as sa_exc
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

STEP_FAILED = "StepFailed"

# Errors that the same input raises again on every try.
_NEVER_SUCCEEDS: tuple[type[BaseException], ...] = (
    sa_exc.DataError,
    psycopg.DataError,
    ValueError,
    ArithmeticError,
    LookupError,
    TypeError,
)


# Answers of an outside system that a later try may not get: timeout, conflict, too early, too
# many requests. Any other 4xx refuses the request itself (its content, or poflow's credentials).
_CLIENT_ERRORS_WORTH_RETRYING = {408, 409, 425, 429}


def never_succeeds(error: BaseException) -> bool:
    """Whether retrying the step that raised ``error`` is pointless."""
    if isinstance(error, httpx.HTTPStatusError):
        code = error.response.status_code
        return 400 <= code < 500 and code not in _CLIENT_ERRORS_WORTH_RETRYING
    if isinstance(error, sa_exc.IntegrityError | psycopg.IntegrityError):
        original = getattr(error, "orig", error)
        return not isinstance(original, pg_errors.UniqueViolation)  # a race: the retry sees it
    return isinstance(error, _NEVER_SUCCEEDS)


class FailureClassifier(Interceptor):
    """Makes the errors no retry can cure non-retryable, in every activity."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _ClassifyingInbound(next)


class _ClassifyingInbound(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        try:
            return await self.next.execute_activity(input)
        except ApplicationError:
            raise
        except Exception as error:
            if not never_succeeds(error):
                raise
            # One line says it all: the chained traceback of a refused INSERT tells no more.
            message = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            raise ApplicationError(message, type=STEP_FAILED, non_retryable=True) from None
