"""One file of a source, read into staged loads: streamed, normalised to FOCUS, checked by the
data-quality rules, converted to the source's base currency, allocated, and COPYed into the
staging table of each (billing account, billing period) slice it holds.

Guarantees: nothing is visible to readers (the loads stay ``loading`` until swapped in); every
row read is either a staged line (flagged with the rules it broke) or a quarantined row, never
dropped; a bad file raises a CostFileError naming the file, row and column; memory holds one
batch of rows whatever the file's size (plus the duplicate check's digest per row).

A FOCUS CSV is first offered to the set-based ingest (set_ingest.py), which stores the same
inside Postgres, or hands the file back untouched to be read row by row here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from activities.costs.file_format import source_mapping
from activities.costs.file_progress import FileProgress
from activities.costs.ingest_outcome import file_outcome, period_start, quarantined_row
from activities.costs.ingest_report import TaxTotals, merged_report, quality_report
from activities.costs.set_ingest import SetBasedIngest
from activities.costs.slices import SliceRouter
from activities.costs.worked_out import LineWork
from adapters.costs.open_file import open_cost_file
from domain.costs.conversion import RateCache
from domain.costs.cost_row import CostRow
from domain.costs.errors import CostFileError
from domain.costs.load_messages import IngestOutcome, IngestRequest
from domain.costs.normalise import Normaliser
from domain.costs.quality import QualityChecker, QualityPolicy
from domain.costs.quality_rules import Action, Expectations
from models.costs.source_config import SourceConfig
from models.costs.staging import StagingWriter

Progress = Callable[[int], None]


class FileIngest:
    def __init__(
        self,
        engine: Engine,
        config: SourceConfig,
        request: IngestRequest,
        rates: RateCache,
        batch_rows: int,
        set_based: bool = True,
    ) -> None:
        self._engine = engine
        self._set_based = set_based
        self._config = config
        self._request = request
        self._rates = rates
        self._batch_rows = batch_rows
        self._period = period_start(request.billing_period)
        actions = {rule: Action(action) for rule, action in config.quality_actions.items()}
        self._policy = QualityPolicy(Expectations(None, config.tag_policy_keys), actions)
        self.router: SliceRouter | None = None
        self.read_in_postgres = False  # True once the set-based path stored the file

    @property
    def load_ids(self) -> tuple[int, ...]:
        """Every load of the run so far, the earlier files' included."""
        return self.router.load_ids if self.router is not None else ()

    @property
    def opened_ids(self) -> tuple[int, ...]:
        """The loads this file opened."""
        return self.router.opened_ids if self.router is not None else ()

    def run(self, progress: Progress) -> IngestOutcome:
        """Stage the file; ``progress`` is told the rows read after each batch."""
        file, request = self._request.file, self._request
        writer = StagingWriter(self._engine, request.file_index)
        try:
            self.router = SliceRouter(
                self._engine,
                writer,
                source_id=self._config.id,
                file=file,
                workflow_id=request.workflow_id,
                batch_rows=self._batch_rows,
                bytes_read=FileProgress(Path(file.path)).bytes_read,
                file_index=request.file_index,
                staged=request.staged,
            )
            outcome = self._set_based_stage(writer, progress) or self._stage(self.router, progress)
            reports = writer.record_file(
                outcome.load_ids, file.name, file.sha256, file.size, outcome.report
            )
            writer.record_reports({load: merged_report(files) for load, files in reports.items()})
            return outcome
        finally:
            writer.close()

    def _set_based_stage(self, writer: StagingWriter, progress: Progress) -> IngestOutcome | None:
        """A CSV file of a FOCUS format, read inside Postgres; None when the file needs reading
        row by row (another format, or a cell only the Python readers read as they should)."""
        if not self._set_based or self.router is None:
            return None
        ingest = SetBasedIngest(self._config, self._request, self._rates, self._policy)
        outcome = ingest.run(writer, self.router, progress, self._batch_rows)
        self.read_in_postgres = outcome is not None
        return outcome

    def _stage(self, router: SliceRouter, progress: Progress) -> IngestOutcome:
        file = self._request.file
        reader = open_cost_file(Path(file.path))
        mapping = source_mapping(
            file.name, reader.header, self._config.format, self._config.column_mapping
        )
        normaliser = Normaliser(file.name, mapping, reader.header)
        checker = QualityChecker(self._policy)
        work = LineWork(file.name, self._config, self._rates)
        tax = TaxTotals()
        rows_read = 0
        for raw in reader.rows():
            rows_read += 1
            row = normaliser.normalise(raw.row_number, raw.values)
            verdict = checker.check(row)
            staged = router.slice_of(*self._slice_key(row))
            if verdict.quarantined:
                quarantined = quarantined_row(row, raw.values, verdict.findings, self._policy)
                written = router.quarantine(staged, quarantined)
            else:
                flags = [finding.rule_id for finding in verdict.findings]
                stored = work.stored(staged, row, flags)
                written = router.add_line(staged, stored, bool(flags))
                tax.add(row)
            if written:
                progress(rows_read)
        if rows_read == 0 and not router.slices:  # an export of a period without spend, alone
            router.slice_of(*self._empty_file_slice())  # in its run: an empty load records it
        router.flush(whole_file=True)
        progress(rows_read)
        quality = quality_report(checker.report())
        slices = router.file_slices
        return file_outcome(
            self._request.file, slices, rows_read, mapping.name, quality, tax.as_report()
        )

    def _slice_key(self, row: CostRow) -> tuple[str, datetime]:
        """The row's (billing account, billing period); a row of an account the source does not
        own, or of another period than the load's, refuses the file."""
        name, account = self._request.file.name, row.focus.get("BillingAccountId")
        if isinstance(account, str) and not self._config.owns(account):
            problem = f"billing account {account!r} is not one of source {self._config.name}'s"
            raise CostFileError(name, row.row_number, "BillingAccountId", problem)
        period = row.focus.get("BillingPeriodStart")
        if isinstance(period, datetime):
            wanted = self._request.billing_period
            if wanted is not None and f"{period:%Y-%m}" != wanted:
                problem = f"billing period {period:%Y-%m}, the load is for {wanted}"
                raise CostFileError(name, row.row_number, "BillingPeriodStart", problem)
        elif self._period is not None:
            period = self._period
        else:
            problem = "no billing period, and the load names none to keep the row under"
            raise CostFileError(name, row.row_number, "BillingPeriodStart", problem)
        return (account if isinstance(account, str) else "", period)

    def _empty_file_slice(self) -> tuple[str, datetime]:
        """The file-level slice (no account) of the load's period; without one, no slice."""
        if self._period is None:
            problem = "a header but no rows, and the load names no billing period to record it in"
            raise CostFileError(self._request.file.name, 0, "", problem)
        return ("", self._period)
