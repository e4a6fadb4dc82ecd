"""One source's billing period, loaded whole (docs/costs.md, "Loads, sources' files and
schedules").

Read ``CostLoadWorkflow.run`` top to bottom: the period's files are discovered (unless given),
fetched to the worker's disk and, unless every one of them is already what the period holds,
ingested into staging tables no one reads; then all of them are swapped in at once, reconciled
and booked as actuals, and the source's owners are told. A file refused on the way ends the run
"failed" with the problem: whatever was staged is abandoned, the previous data stays as it was,
and the load is retried by starting it again once the file is fixed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from domain.costs.load_messages import (
        CostFileFetch,
        CostLoadRequest,
        CostLoadResult,
        FetchedFile,
        IngestOutcome,
        IngestRequest,
        LoadProgress,
        PeriodFiles,
        StagedLoad,
    )
    from domain.costs.remediation import Recheck
    from domain.temporal_names import CostLoadQuery, RemediationSignal, WorkflowType
    from workflows import search_attributes as attributes
    from workflows.costs import governance_calls
    from workflows.costs import load_calls as calls

DISCOVERING, LOADING, SWAPPING = "discovering", "loading", "swapping"
LOADED, FAILED, UNCHANGED = "loaded", "failed", "unchanged"
# Files of a run share the loads of the slices they hold (a month in several parts); runs begun
# before refuse a slice in two files.
FILES_SHARE_SLICES = "cost-load-files-share-slices"
# Runs that meet this patch tell the period's open tag remediations to read their findings again.
RECHECKS_REMEDIATIONS = "cost-load-rechecks-remediations"


def problem_of(error: BaseException) -> str:
    """What the step that failed said: the refusal naming file, row and column, or the store's
    answer, rather than the low-level error beneath it."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.__cause__
    return str(cause or error)[:1000]


@dataclass
class _Staged:
    """What the files ingested so far staged and counted, which file each slice (billing
    account and period) came from, and the load each slice's lines go into."""

    load_ids: list[int]
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_flagged: int = 0
    files_of_slices: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    loads: dict[int, StagedLoad] = field(default_factory=dict)

    def add(self, outcome: IngestOutcome) -> None:
        """Count a file's outcome; a load it added to is counted once."""
        self.load_ids.extend(i for i in outcome.load_ids if i not in self.load_ids)
        self.rows_loaded += outcome.rows_loaded
        self.rows_quarantined += outcome.rows_quarantined
        self.rows_flagged += outcome.rows_flagged

    def keep_loads(self, report: dict[str, Any]) -> None:
        """The loads of the slices the file's report names, for the next files to add to."""
        for part in report.get("slices", ()):
            self.loads[int(part["load_id"])] = StagedLoad(
                int(part["load_id"]),
                int(part["slice_id"]),
                str(part["billing_account_id"]),
                str(part["billing_period_start"]),
            )

    def shared_slice(self, number: int, file: str, report: dict[str, Any]) -> str | None:
        """Each staged load replaces its slice whole, so a second file holding lines of a
        slice an earlier file of the run staged would silently drop the earlier one's lines:
        such a run stops with the problem instead, never loading the period half."""
        for part in report.get("slices", ()):
            key = (str(part["billing_account_id"]), str(part["billing_period_start"]))
            earlier, name = self.files_of_slices.setdefault(key, (number, file))
            if earlier != number:
                return (
                    f"{name} and {file} both hold lines of billing account {key[0]} in this "
                    "period: a period's account must come in one file"
                )
        return None


@workflow.defn(name=WorkflowType.COST_LOAD)
class CostLoadWorkflow:
    """Loads a source's billing period from its files so that readers see the period's previous
    lines or all of the new ones, never a mix, never both; runs again at will (same files:
    ``unchanged``). Operators follow it by the search attributes CostSource, BillingPeriod,
    LoadStatus and LoadRows; the ``progress`` query answers the status and rows so far."""

    def __init__(self) -> None:
        self._status, self._rows, self._files = DISCOVERING, 0, 0

    @workflow.query(name=CostLoadQuery.PROGRESS)
    def progress(self) -> LoadProgress:
        return LoadProgress(self._status, self._rows, self._files)

    @workflow.run
    async def run(self, request: CostLoadRequest) -> CostLoadResult:
        ended = CostLoadResult(request.source, request.billing_period, UNCHANGED)
        workflow.upsert_search_attributes(
            [
                attributes.COST_SOURCE.value_set(request.source),
                attributes.BILLING_PERIOD.value_set(request.billing_period),
            ]
        )
        self._show(DISCOVERING)
        try:
            fetched = await self._fetch(request)
        except FailureError as error:
            return await self._end(replace(ended, status=FAILED, problem=problem_of(error)))
        if not fetched or await calls.files_current(
            PeriodFiles(request.source, request.billing_period, tuple(fetched))
        ):
            return await self._end(ended)
        staged = _Staged([])
        self._show(LOADING)
        problem = await self._ingest(request, fetched, staged)
        if problem is not None:
            await calls.abandon(staged.load_ids, problem)
            return await self._end(replace(ended, status=FAILED, problem=problem))
        self._show(SWAPPING)
        await calls.swap_in(staged.load_ids)
        loaded = CostLoadResult(
            request.source,
            request.billing_period,
            LOADED,
            tuple(staged.load_ids),
            staged.rows_loaded,
            staged.rows_quarantined,
            staged.rows_flagged,
        )
        return await self._end(await self._link(loaded))

    async def _fetch(self, request: CostLoadRequest) -> list[FetchedFile]:
        """The request's files, or the period's files found at the source, on the worker's disk."""
        files = request.files or tuple(await calls.discover(request))
        self._files = len(files)
        return [await calls.fetch(CostFileFetch(request.source, file)) for file in files]

    async def _ingest(
        self, request: CostLoadRequest, fetched: list[FetchedFile], staged: _Staged
    ) -> str | None:
        """Each file into staging tables, in turn; ``staged`` keeps what is staged so far, so a
        refusal of a later file abandons the earlier ones too. A file's lines of a slice an
        earlier file holds go into that file's load, so each slice is one load of the period's
        every line. The problem that stops the run, or None once every file is staged."""
        workflow_id = workflow.info().workflow_id
        share = workflow.patched(FILES_SHARE_SLICES)
        for number, file in enumerate(fetched):
            ingest = IngestRequest(request.source, file, request.billing_period, workflow_id)
            if share:
                ingest = replace(ingest, file_index=number, staged=tuple(staged.loads.values()))
            try:
                outcome = await calls.ingest(ingest)
            except FailureError as error:
                return problem_of(error)
            staged.add(outcome)
            self._show(LOADING, staged.rows_loaded)
            if share:
                staged.keep_loads(outcome.report)
                continue
            shared = staged.shared_slice(number, file.name, outcome.report)
            if shared is not None:
                return shared
        return None

    async def _link(self, loaded: CostLoadResult) -> CostLoadResult:
        """Reconcile the loaded period and book its actuals. The lines are in whatever happens
        here: a step that fails for good is named in the result, which stays ``loaded``."""
        load_ids = list(loaded.load_ids)
        try:
            await calls.reconcile(load_ids)
            await calls.book_actuals(load_ids)
        except FailureError as error:
            workflow.logger.warning("%s: lines loaded, not linked", workflow.info().workflow_id)
            return replace(loaded, problem=f"loaded, not reconciled or booked: {problem_of(error)}")
        return loaded

    async def _end(self, result: CostLoadResult) -> CostLoadResult:
        """Show how the load ended, discard the files it fetched and tell the owners (unless
        nothing changed). Neither step fails the load: what failed is logged."""
        self._show(result.status, result.rows_loaded)
        try:
            await calls.discard_fetched()
        except FailureError as error:
            workflow.logger.warning("fetched files not discarded: %s", problem_of(error))
        if result.status != UNCHANGED:
            try:
                await calls.notify_owners(result)
            except FailureError as error:
                workflow.logger.warning("owners not told: %s", problem_of(error))
        if result.status == LOADED and workflow.patched(RECHECKS_REMEDIATIONS):
            await self._recheck_remediations(result.billing_period)
        return result

    async def _recheck_remediations(self, period: str) -> None:
        """The period's lines changed: each open remediation of it looks again whether its
        owner's resources are tagged now. One that ended meanwhile is passed over."""
        for workflow_id in await governance_calls.open_remediations(period):
            handle = workflow.get_external_workflow_handle(workflow_id)
            try:
                await handle.signal(RemediationSignal.RECHECK, Recheck.LOAD)
            except FailureError as error:
                workflow.logger.warning("%s not told: %s", workflow_id, problem_of(error))

    def _show(self, status: str, rows: int = 0) -> None:
        self._status, self._rows = status, rows
        workflow.upsert_search_attributes(
            [attributes.LOAD_STATUS.value_set(status), attributes.LOAD_ROWS.value_set(rows)]
        )
