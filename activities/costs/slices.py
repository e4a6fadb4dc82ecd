"""Routing a file's lines to the slices they belong to: one load per (billing account, billing
period) the file holds, opened when its first line arrives, and its lines and quarantined rows
written a batch at a time.

Memory stays bounded: whatever the number of slices, at most ``batch_rows`` rows are buffered in
all of them together before they are COPYed and committed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, text

from domain.costs.load_messages import FetchedFile
from models.costs.loading import open_load
from models.costs.quarantine import QuarantinedRow
from models.costs.staging import LoadProgress, StagingWriter


@dataclass
class StagedSlice:
    """One slice's load while the file is read, and what it received so far."""

    load_id: int
    slice_id: int
    billing_account_id: str
    billing_period_start: datetime
    lines: list[tuple[object, ...]] = field(default_factory=list)
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_flagged: int = 0


class SliceRouter:
    def __init__(
        self,
        engine: Engine,
        writer: StagingWriter,
        *,
        source_id: int,
        file: FetchedFile,
        workflow_id: str | None,
        batch_rows: int,
        bytes_read: Callable[[], int],
    ) -> None:
        self._engine = engine
        self._writer = writer
        self._source_id = source_id
        self._file = file
        self._workflow_id = workflow_id
        self._batch_rows = batch_rows
        self._bytes_read = bytes_read
        self._buffered = 0
        self.slices: dict[tuple[str, datetime], StagedSlice] = {}

    @property
    def load_ids(self) -> tuple[int, ...]:
        return tuple(s.load_id for s in self.slices.values())

    def slice_of(self, account: str, period: datetime) -> StagedSlice:
        """The slice's load, opened (with its staging table) on the first line of the slice."""
        staged = self.slices.get((account, period))
        if staged is None:
            load_id = open_load(
                self._engine,
                source_id=self._source_id,
                billing_account_id=account,
                billing_period_start=period,
                file_name=self._file.name,
                file_hash=self._file.sha256,
                workflow_id=self._workflow_id,
                bytes_total=self._file.size,
            )
            staged = StagedSlice(load_id, self._slice_id(load_id), account, period)
            self.slices[(account, period)] = staged
        return staged

    def _slice_id(self, load_id: int) -> int:
        with self._engine.connect() as connection:
            query = text("SELECT slice_id FROM cost_loads WHERE id = :load")
            return int(connection.scalar(query, {"load": load_id}))

    def add_line(self, staged: StagedSlice, stored: tuple[object, ...], flagged: bool) -> bool:
        """Buffer a line; True when the buffers were written (a batch is complete)."""
        staged.lines.append(stored)
        staged.rows_read += 1
        staged.rows_loaded += 1
        staged.rows_flagged += flagged
        return self._count()

    def quarantine(self, staged: StagedSlice, row: QuarantinedRow) -> bool:
        staged.quarantined.append(row)
        staged.rows_read += 1
        staged.rows_quarantined += 1
        return self._count()

    def _count(self) -> bool:
        self._buffered += 1
        if self._buffered < self._batch_rows:
            return False
        self.flush()
        return True

    def flush(self) -> None:
        """COPY every buffered line and quarantined row and commit them with the progress."""
        touched = [s for s in self.slices.values() if s.lines or s.quarantined]
        for staged in touched:
            if staged.lines:
                self._writer.copy_lines(staged.load_id, staged.lines)
            if staged.quarantined:
                self._writer.copy_quarantined(staged.load_id, staged.quarantined)
            staged.lines, staged.quarantined = [], []
        done = self._bytes_read()
        self._writer.commit(
            LoadProgress(
                s.load_id, s.rows_read, s.rows_loaded, s.rows_quarantined, s.rows_flagged, done
            )
            for s in touched
        )
        self._buffered = 0
