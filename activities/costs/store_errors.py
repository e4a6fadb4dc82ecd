"""A store that cannot serve a file for a reason no retry cures (no such folder or bucket,
credentials refused, no such object) ends the load with the reason; a store out of reach
(connection refused, a 5xx) is retried by the activity's retry policy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import ClientError
from temporalio.exceptions import ApplicationError

from adapters.costs.file_stores import MissingStore

COST_FILE_UNREACHABLE = "CostFileUnreachable"
_WORTH_RETRYING = {408, 409, 425, 429}


@contextmanager
def refusals_are_final(what: str) -> Iterator[None]:
    """Inside the block, a store's refusal becomes a non-retryable error naming ``what``."""
    try:
        yield
    except (MissingStore, FileNotFoundError) as error:
        raise ApplicationError(
            f"{what}: {error}", type=COST_FILE_UNREACHABLE, non_retryable=True
        ) from None
    except ClientError as error:
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500))
        if status < 400 or status >= 500 or status in _WORTH_RETRYING:
            raise
        code = error.response.get("Error", {}).get("Code", status)
        raise ApplicationError(
            f"{what}: the bucket answered {code}", type=COST_FILE_UNREACHABLE, non_retryable=True
        ) from None
