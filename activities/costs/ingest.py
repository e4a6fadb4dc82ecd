"""The cost-load activities that read a file into staged loads, swap a run's loads in, or
abandon them.

A refused file (bad input: corrupt, wrong encoding, another format's header, an unknown
mapping column, an account the source does not own, another billing period, a missing ECB
rate) abandons every load of the run so far (the run fails whole), is recorded as a failed load
whose report names the file, row and column, and fails with a non-retryable
``CostFileRefused`` error: a retry would read the same bytes. Any other error (Postgres down)
abandons the loads this file opened and is raised as it is, so Temporal retries the file from
the start; the loads earlier files of the run opened keep their lines, and the retry deletes
what the failed try added to them before reading the file again."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.costs.file_ingest import FileIngest
from activities.costs.ingest_outcome import period_start
from activities.costs.ingest_report import refusal_report
from domain.costs.conversion import RateCache, RateLookup, RateTable
from domain.costs.errors import CostFileError
from domain.costs.load_messages import IngestOutcome, IngestRequest
from domain.temporal_names import Activity
from models.costs.loading import abandon_loads, record_failed_load, swap_in_loads
from models.costs.source_config import SourceConfig, UnknownSource, read_source

REFUSED = "CostFileRefused"
# Rows buffered (as typed values, a few KiB each) before a COPY and commit: the worker's memory
# while loading is about this many rows, whatever the file's size.
INGEST_BATCH_ROWS = 10_000
UNKNOWN_SOURCE = "UnknownCostSource"


class CostLoadActivities:
    """Bound to the database (an engine, or the worker's sessionmaker, whose engine is used:
    COPY needs a connection of its own) and an exchange-rate source (``EcbRates().rate``)."""

    def __init__(
        self,
        database: Engine | sessionmaker[Session],
        rates: RateLookup | RateTable,
        batch_rows: int = INGEST_BATCH_ROWS,
        set_based: bool = True,
    ) -> None:
        engine = database.kw["bind"] if isinstance(database, sessionmaker) else database
        assert isinstance(engine, Engine)
        self._engine = engine
        self._rates = rates
        self._batch_rows = batch_rows
        self._set_based = set_based  # False: every file read row by row (the reference path)

    def all(self) -> list[Callable[..., Any]]:
        """The activities to register on a worker."""
        return [self.ingest_cost_file, self.swap_in_cost_loads, self.abandon_cost_loads]

    @activity.defn(name=Activity.INGEST_COST_FILE)
    def ingest_cost_file(self, request: IngestRequest) -> IngestOutcome:
        """Stage the file's lines (invisible until ``swap_in_cost_loads``); heartbeats the rows
        read after each batch."""
        try:
            config = read_source(self._engine, request.source)
        except UnknownSource as unknown:
            raise ApplicationError(str(unknown), type=UNKNOWN_SOURCE, non_retryable=True) from None
        rates = RateCache(config.base_currency, self._rates)
        ingest = FileIngest(self._engine, config, request, rates, self._batch_rows, self._set_based)
        try:
            return ingest.run(_heartbeat)
        except CostFileError as error:
            refused = CostFileError(request.file.name, error.row, error.column, error.problem)
            report = refusal_report(refused)
            self._record_refusal(ingest.load_ids, config, request, report)
            raise ApplicationError(
                str(refused), report, type=REFUSED, non_retryable=True
            ) from error
        except BaseException as error:
            problem = {"problem": f"{type(error).__name__}: {error}"}
            self._abandon_quietly(ingest.opened_ids, problem)
            raise

    @activity.defn(name=Activity.SWAP_IN_COST_LOADS)
    def swap_in_cost_loads(self, load_ids: list[int]) -> None:
        """Every slice of the run swapped in, with its roll-ups, in one transaction."""
        swap_in_loads(self._engine, load_ids)

    @activity.defn(name=Activity.ABANDON_COST_LOADS)
    def abandon_cost_loads(self, load_ids: list[int], problem: str) -> None:
        """Drop what the loads staged and mark them failed with ``problem``; their slices keep
        the partitions they had."""
        abandon_loads(self._engine, load_ids, {"problem": problem})

    def _record_refusal(
        self,
        load_ids: tuple[int, ...],
        config: SourceConfig,
        request: IngestRequest,
        report: Mapping[str, object],
    ) -> None:
        """Fail the staged loads with the report; with none staged yet, a failed load of the
        source's file-level slice (no account) for the requested period (else the current
        month) records it."""
        if load_ids:
            abandon_loads(self._engine, load_ids, report)
            return
        now = datetime.now(UTC)
        period = period_start(request.billing_period) or datetime(
            now.year, now.month, 1, tzinfo=UTC
        )
        record_failed_load(
            self._engine,
            source_id=config.id,
            billing_account_id="",
            billing_period_start=period,
            file_name=request.file.name,
            file_hash=request.file.sha256,
            workflow_id=request.workflow_id,
            report=report,
        )

    def _abandon_quietly(self, load_ids: tuple[int, ...], report: Mapping[str, object]) -> None:
        """Best effort: with Postgres down this fails too, and the loads stay ``loading`` and
        invisible until a later abandon (the retry stages new ones)."""
        if not load_ids:
            return
        try:
            abandon_loads(self._engine, load_ids, report)
        except Exception:
            activity.logger.warning("could not abandon cost loads %s", load_ids, exc_info=True)


def _heartbeat(rows_read: int) -> None:
    activity.heartbeat(rows_read)
