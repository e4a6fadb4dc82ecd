"""One file of a source, read into staged loads: streamed, normalised to FOCUS, checked by the
data-quality rules, converted to the source's base currency, allocated, and COPYed into the
staging table of each (billing account, billing period) slice it holds.

Guarantees: nothing is visible to readers (the loads stay ``loading`` until swapped in); every
row read is either a staged line (flagged with the rules it broke) or a quarantined row, never
dropped; a bad file raises a CostFileError naming the file, row and column; memory holds one
batch of rows whatever the file's size (plus the duplicate check's digest per row)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from activities.costs.file_format import source_mapping
from activities.costs.file_progress import FileProgress
from activities.costs.ingest_report import TaxTotals, quality_report, slice_report
from activities.costs.slices import SliceRouter
from activities.costs.worked_out import LineWork
from adapters.costs.open_file import open_cost_file
from domain.costs.conversion import RateCache
from domain.costs.cost_row import CostRow
from domain.costs.errors import CostFileError
from domain.costs.load_messages import IngestOutcome, IngestRequest
from domain.costs.normalise import Normaliser
from domain.costs.quality import QualityChecker, QualityPolicy
from domain.costs.quality_rules import Action, Expectations, Finding
from models.costs.quarantine import QuarantinedRow
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
    ) -> None:
        self._engine = engine
        self._config = config
        self._request = request
        self._rates = rates
        self._batch_rows = batch_rows
        self._period = period_start(request.billing_period)
        actions = {rule: Action(action) for rule, action in config.quality_actions.items()}
        self._policy = QualityPolicy(Expectations(None, config.tag_policy_keys), actions)
        self.router: SliceRouter | None = None

    @property
    def load_ids(self) -> tuple[int, ...]:
        return self.router.load_ids if self.router is not None else ()

    def run(self, progress: Progress) -> IngestOutcome:
        """Stage the file; ``progress`` is told the rows read after each batch."""
        file = self._request.file
        writer = StagingWriter(self._engine)
        try:
            self.router = SliceRouter(
                self._engine,
                writer,
                source_id=self._config.id,
                file=file,
                workflow_id=self._request.workflow_id,
                batch_rows=self._batch_rows,
                bytes_read=FileProgress(Path(file.path)).bytes_read,
            )
            outcome = self._stage(self.router, progress)
            writer.record_report(outcome.load_ids, outcome.report)
            return outcome
        finally:
            writer.close()

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
                quarantined = _quarantined(row, raw.values, verdict.findings, self._policy)
                written = router.quarantine(staged, quarantined)
            else:
                flags = [finding.rule_id for finding in verdict.findings]
                stored = work.stored(staged.slice_id, staged.load_id, row, flags)
                written = router.add_line(staged, stored, bool(flags))
                tax.add(row)
            if written:
                progress(rows_read)
        router.flush()
        progress(rows_read)
        return self._outcome(router, rows_read, mapping.name, quality_report(checker.report()), tax)

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

    def _outcome(
        self,
        router: SliceRouter,
        rows_read: int,
        format_name: str,
        quality: dict[str, object],
        tax: TaxTotals,
    ) -> IngestOutcome:
        slices = list(router.slices.values())
        loaded = sum(s.rows_loaded for s in slices)
        quarantined = sum(s.rows_quarantined for s in slices)
        flagged = sum(s.rows_flagged for s in slices)
        file = self._request.file
        report = {
            "file": file.name,
            "sha256": file.sha256,
            "format": format_name,
            "rows_read": rows_read,
            "rows_loaded": loaded,
            "rows_quarantined": quarantined,
            "rows_flagged": flagged,
            "quality": quality,
            "tax": tax.as_report(),
            "slices": slice_report(slices),
        }
        return IngestOutcome(router.load_ids, rows_read, loaded, quarantined, flagged, report)


def period_start(billing_period: str | None) -> datetime | None:
    """``YYYY-MM`` as the first instant of the month, UTC."""
    if billing_period is None:
        return None
    year, month = billing_period.split("-")
    return datetime(int(year), int(month), 1, tzinfo=UTC)


def _quarantined(
    row: CostRow, raw: dict[str, str | None], findings: tuple[Finding, ...], policy: QualityPolicy
) -> QuarantinedRow:
    """One record per row, with its cells as read: the first rule that quarantines it, and
    every finding's detail."""
    rule = next(f.rule_id for f in findings if policy.action_of(f.rule_id) is Action.QUARANTINE)
    detail = "; ".join(f"{f.rule_id}: {f.detail}" for f in findings)
    return QuarantinedRow(row.row_number, rule, detail, raw)
