"""A FOCUS CSV (or CSV.gz) file ingested set by set inside Postgres, storing what the row-by-row
ingest (file_ingest.py) stores: the same lines, quarantined rows and report.

Its bytes are COPYed as they are into a temporary table, typed and checked by SQL generated from
the Python readers' and rules' own definitions, and each slice's lines written by one
``INSERT ... SELECT``; exchange rates are looked up once per (currency, charge date) with the
load's RateCache, and only quarantined rows come back to Python, for their details. A file this
path does not read exactly as the Python path would (blank lines within it, a cell SQL does not
read the same way) or that the Python path refuses (a bad value, an account the source does not
own, another billing period, a missing rate) is left to the row-by-row path: ``run`` returns
None before it opened any load, having rolled back what it did."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import psycopg

from activities.costs.file_format import source_mapping
from activities.costs.ingest_outcome import file_outcome, period_start, quarantined_row
from activities.costs.ingest_report import TaxTotals, quality_report
from activities.costs.slices import SliceRouter, StagedSlice
from adapters.costs.csv_reader import CsvCostFile
from domain.costs.conversion import MissingRate, RateCache, TaxSplit
from domain.costs.load_messages import IngestOutcome, IngestRequest
from domain.costs.normalise import Normaliser
from domain.costs.quality import (
    QualityPolicy,
    QualityReport,
    RuleSummary,
    account_expectations,
)
from domain.costs.quality_rules import DUPLICATE, RULES, Action, Finding, row_findings
from models.costs.quarantine import QuarantinedRow
from models.costs.raw_ingest import RawCostFile, RawSlice
from models.costs.source_config import SourceConfig
from models.costs.staging import StagingWriter

Progress = Callable[[int], None]
_CHUNK = 1 << 20
_UNREADABLE = (psycopg.DataError, psycopg.errors.BadCopyFileFormat, OSError, EOFError, zlib.error)


class SetBasedIngest:
    def __init__(
        self,
        config: SourceConfig,
        request: IngestRequest,
        rates: RateCache,
        policy: QualityPolicy,
    ) -> None:
        self._config = config
        self._request = request
        self._rates = rates
        self._policy = policy
        self._period = period_start(request.billing_period)

    def run(
        self, writer: StagingWriter, router: SliceRouter, progress: Progress, batch_rows: int
    ) -> IngestOutcome | None:
        file = self._request.file
        path = Path(file.path)
        if not path.name.lower().endswith((".csv", ".csv.gz")):
            return None
        header = CsvCostFile(path).header
        mapping = source_mapping(
            file.name, header, self._config.format, self._config.column_mapping
        )
        normaliser = Normaliser(file.name, mapping, header)
        sources = normaliser.column_sources()
        focus = mapping.name.startswith("focus-")
        if not focus or sources is None or len(set(header)) != len(header):
            return None
        quarantining = [r.id for r in RULES if self._policy.action_of(r.id) is Action.QUARANTINE]
        raw = RawCostFile(writer.raw, header, quarantining)
        try:
            rows_read = raw.copy(_csv_bytes(path))
        except _UNREADABLE:
            writer.rollback()
            return None
        if rows_read == 0:  # an export without rows is recorded row by row, as an empty load
            writer.rollback()
            return None
        progress(rows_read)
        slices = self._slices(raw, sources, normaliser.extra_columns)
        if slices is None:
            writer.rollback()
            return None
        loads = [
            router.slice_of(found.billing_account_id, _checked(found.billing_period_start))
            for found in slices
        ]
        for found, load in zip(slices, loads, strict=True):
            key = (found.billing_account_id, self._period)
            raw.insert_lines(
                load.slice_id,
                load.load_id,
                key,
                load.billing_period_start,
                self._config,
                writer.file_index,
            )
            _count(load, found)
        staged = router.file_slices
        self._quarantine(raw, writer, router, normaliser, batch_rows)
        quality = quality_report(self._quality(raw, rows_read))
        tax = _tax(raw)
        writer.commit(s.progress(file.size) for s in staged)
        progress(rows_read)
        return file_outcome(file, staged, rows_read, mapping.name, quality, tax)

    def _slices(
        self, raw: RawCostFile, sources: dict[str, str], extra_columns: tuple[str, ...]
    ) -> list[RawSlice] | None:
        """The file's slices, once its cells are typed, its slices are the source's and the
        load's, and every rate its lines need is known; else None."""
        if not raw.type(sources, extra_columns, self._policy.expectations):
            return None
        slices = raw.slices(self._period)
        wanted = self._request.billing_period
        for found in slices:
            account, period = found.billing_account_id, found.billing_period_start
            if account and not self._config.owns(account):
                return None
            if period is None or (wanted is not None and f"{period:%Y-%m}" != wanted):
                return None
        rates: list[tuple[str, date, Decimal, date]] = []
        for currency, day in raw.charge_days():
            try:
                rate, published = self._rates.rate(currency, day)
            except MissingRate:
                return None
            rates.append((currency, day, rate, published))
        raw.add_rates(rates)
        return slices

    def _quarantine(
        self,
        raw: RawCostFile,
        writer: StagingWriter,
        router: SliceRouter,
        normaliser: Normaliser,
        batch_rows: int,
    ) -> None:
        """Each quarantined row's record, its details worked out by the Python rules."""
        expect = self._policy.expectations
        batch: dict[int, list[QuarantinedRow]] = {}
        rows = raw.quarantined(self._period, batch_rows)
        for count, found in enumerate(rows, 1):
            row = normaliser.normalise(found.file_row, found.values)
            account, period = found.slice_key
            billed_in = account_expectations(
                expect, row.focus.get("BillingAccountId"), found.account_currency
            )
            findings = row_findings(row, billed_in)
            if found.repeated:
                findings.insert(0, Finding(DUPLICATE.id, "the same values as an earlier row"))
            load = router.slices[(account, _checked(period))].load_id
            quarantined = quarantined_row(row, found.values, findings, self._policy)
            batch.setdefault(load, []).append(quarantined)
            if count % batch_rows == 0:
                _write(writer, batch)
        _write(writer, batch)

    def _quality(self, raw: RawCostFile, rows_read: int) -> QualityReport:
        found = raw.quality()
        summaries = []
        for rule in RULES:
            counted = found.get(rule.id)
            summaries.append(
                RuleSummary(
                    rule.id,
                    self._policy.action_of(rule.id),
                    counted.rows if counted else 0,
                    counted.billed_cost if counted else Decimal(0),
                    counted.sample_rows if counted else (),
                )
            )
        return QualityReport(rows_read, 0, tuple(summaries))


def _count(load: StagedSlice, found: RawSlice) -> None:
    load.rows_loaded = found.rows_loaded
    load.rows_quarantined = found.rows_quarantined
    load.rows_flagged = found.rows_flagged
    load.rows_read = found.rows_loaded + found.rows_quarantined


def _write(writer: StagingWriter, batch: dict[int, list[QuarantinedRow]]) -> None:
    for load_id, rows in batch.items():
        writer.copy_quarantined(load_id, rows)
    batch.clear()


def _tax(raw: RawCostFile) -> dict[str, object]:
    totals = TaxTotals()
    for currency, (with_tax, without_tax) in raw.tax().items():
        totals.sums[currency] = TaxSplit(with_tax, without_tax)
    return totals.as_report()


def _checked(period: datetime | None) -> datetime:
    assert period is not None, "every slice has a billing period once checked"
    return period


def _csv_bytes(path: Path) -> Iterator[bytes]:
    """The file's bytes, decompressed, without its blank lines (the row-by-row reader skips
    them; COPY refuses them), in chunks of whole lines."""
    gzipped = path.name.lower().endswith(".gz")
    with gzip.open(path, "rb") if gzipped else path.open("rb") as data:
        quoted, pending = False, b""
        while chunk := data.read(_CHUNK):
            chunk = pending + chunk
            end = chunk.rfind(b"\n") + 1
            chunk, pending = chunk[:end], chunk[end:]
            if chunk:
                kept, quoted = _blank_lines_dropped(chunk, quoted)
                yield kept
        if pending:
            yield pending


def _blank_lines_dropped(lines: bytes, quoted: bool) -> tuple[bytes, bool]:
    """Whole lines without the blank ones outside quotes; whether a quote is open at their end.
    Most chunks have no blank line at all: those are only searched, not split."""
    if not lines.startswith((b"\n", b"\r\n")) and b"\n\n" not in lines and b"\n\r\n" not in lines:
        return lines, quoted ^ bool(lines.count(b'"') & 1)
    kept = []
    for line in lines.split(b"\n")[:-1]:
        if quoted or line not in (b"", b"\r"):
            kept.append(line)
        quoted ^= bool(line.count(b'"') & 1)
    return b"\n".join(kept) + b"\n", quoted
