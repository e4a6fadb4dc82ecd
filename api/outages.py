"""Which failures mean Postgres or Temporal cannot be reached now (an outage the client should
retry later, 503) rather than a defect (500)."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
from sqlalchemy import exc as sqlalchemy_errors
from temporalio.service import RPCError, RPCStatusCode

RETRY_AFTER_SECONDS = 5
_UNREACHABLE_RPC = {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED}
# What the Temporal client raises when it cannot open its connection at all.
_TEMPORAL_CONNECT_FAILED = "Failed client connect"


def outage_of(error: BaseException) -> str | None:
    """ "Postgres" or "Temporal" when ``error`` (or what caused it) says that server cannot be
    reached; None for anything else."""
    for cause in _chain(error):
        if isinstance(
            cause,
            sqlalchemy_errors.OperationalError
            | sqlalchemy_errors.TimeoutError
            | psycopg.OperationalError,
        ):
            return "Postgres"
        if isinstance(cause, RPCError) and cause.status in _UNREACHABLE_RPC:
            return "Temporal"
        if isinstance(cause, RuntimeError) and str(cause).startswith(_TEMPORAL_CONNECT_FAILED):
            return "Temporal"
    return None


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, what caused it, and (for a task group's) each error it holds."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            for held in current.exceptions:
                yield from _chain(held)
        current = current.__cause__ or current.__context__
