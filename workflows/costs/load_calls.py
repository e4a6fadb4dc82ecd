"""How a cost load calls its activities: each call states its timeouts and retry policy.

Stores (folders, buckets) out of reach are retried for about half an hour, then the load ends
failed and the next refresh tries again. Postgres work is retried until it succeeds (each step
is keyed by its load ids); a file the ingest refuses (``CostFileRefused``) is never retried."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from domain.costs.load_messages import (
        CostFileFetch,
        CostFileRef,
        CostLoadRequest,
        CostLoadResult,
        FetchedFile,
        IngestOutcome,
        IngestRequest,
        PeriodFiles,
    )
    from domain.temporal_names import Activity

COST_FILE_REFUSED = "CostFileRefused"

_STORE = RetryPolicy(maximum_interval=timedelta(minutes=2), maximum_attempts=20)
_DATABASE = RetryPolicy(maximum_interval=timedelta(minutes=2))
_INGEST = RetryPolicy(
    maximum_interval=timedelta(minutes=2), non_retryable_error_types=[COST_FILE_REFUSED]
)
_MESSAGE = RetryPolicy(maximum_attempts=5, maximum_interval=timedelta(minutes=1))
# A step that streams a file says it is alive at least this often; a silent one is retried.
_HEARTBEAT = timedelta(minutes=2)


async def _run(
    name: str,
    args: list[Any],
    result: type | None,
    retry: RetryPolicy,
    within: timedelta,
    heartbeat: timedelta | None = None,
) -> Any:
    return await workflow.execute_activity(
        name,
        args=args,
        result_type=result,
        start_to_close_timeout=within,
        heartbeat_timeout=heartbeat,
        retry_policy=retry,
    )


async def discover(request: CostLoadRequest) -> list[CostFileRef]:
    found: list[CostFileRef] = await _run(
        Activity.DISCOVER_COST_FILES, [request], list[CostFileRef], _STORE, timedelta(minutes=5)
    )
    return found


async def fetch(fetch: CostFileFetch) -> FetchedFile:
    fetched: FetchedFile = await _run(
        Activity.FETCH_COST_FILE, [fetch], FetchedFile, _STORE, timedelta(hours=6), _HEARTBEAT
    )
    return fetched


async def discard_fetched() -> None:
    await _run(Activity.DISCARD_FETCHED_COST_FILES, [], None, _MESSAGE, timedelta(minutes=5))


async def files_current(period: PeriodFiles) -> bool:
    current: bool = await _run(
        Activity.COST_FILES_CURRENT, [period], bool, _DATABASE, timedelta(minutes=1)
    )
    return current


async def ingest(request: IngestRequest) -> IngestOutcome:
    outcome: IngestOutcome = await _run(
        Activity.INGEST_COST_FILE,
        [request],
        IngestOutcome,
        _INGEST,
        timedelta(hours=12),
        _HEARTBEAT,
    )
    return outcome


async def swap_in(load_ids: list[int]) -> None:
    await _run(Activity.SWAP_IN_COST_LOADS, [load_ids], None, _DATABASE, timedelta(minutes=30))


async def abandon(load_ids: list[int], problem: str) -> None:
    await _run(
        Activity.ABANDON_COST_LOADS, [load_ids, problem], None, _DATABASE, timedelta(minutes=10)
    )


async def reconcile(load_ids: list[int]) -> None:
    await _run(Activity.RECONCILE_COST_LOADS, [load_ids], None, _DATABASE, timedelta(minutes=30))


async def book_actuals(load_ids: list[int]) -> None:
    await _run(Activity.BOOK_COST_ACTUALS, [load_ids], None, _DATABASE, timedelta(minutes=30))


async def notify_owners(result: CostLoadResult) -> None:
    await _run(Activity.NOTIFY_COST_OWNERS, [result], int, _MESSAGE, timedelta(minutes=2))


async def check_freshness(now: datetime) -> list[str]:
    late: list[str] = await _run(
        Activity.CHECK_COST_FRESHNESS, [now], list[str], _MESSAGE, timedelta(minutes=10)
    )
    return late
