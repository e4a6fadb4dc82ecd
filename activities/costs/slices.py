"""Routing a file's lines to the slices they belong to: one load per (billing account, billing
period) of the run, opened when the slice's first line arrives (or taken up from the earlier
file of the run that opened it), and the file's lines and quarantined rows written a batch at a
time, each carrying the file's place in the run.

Memory stays bounded: whatever the number of slices, at most ``batch_rows`` rows are buffered in
all of them together before they are COPYed and committed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, text

from domain.costs.load_messages import FetchedFile, StagedLoad
from models.costs.loading import open_load
from models.costs.quarantine import QuarantinedRow
from models.costs.staging import EarlierFiles, LoadProgress, StagingWriter, resume_load


@dataclass
class StagedSlice:
    """One slice's load while the file is read, and what this file gave it so far; ``earlier``
    is what the run's earlier files staged in it (nothing for a load this file opened)."""

    load_id: int
    slice_id: int
    billing_account_id: str
    billing_period_start: datetime
    file_index: int = 0
    earlier: EarlierFiles | None = None
    lines: list[tuple[object, ...]] = field(default_factory=list)
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_flagged: int = 0

    @property
    def of_this_file(self) -> bool:
        """Opened by this file, or given rows by it."""
        return self.earlier is None or self.rows_read > 0

    def progress(self, bytes_read: int) -> LoadProgress:
        """The load's totals: its earlier files' and this file's so far."""
        before = self.earlier or EarlierFiles()
        return LoadProgress(
            self.load_id,
            before.rows_loaded + before.rows_quarantined + self.rows_read,
            before.rows_loaded + self.rows_loaded,
            before.rows_quarantined + self.rows_quarantined,
            before.rows_flagged + self.rows_flagged,
            before.bytes + bytes_read,
        )


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
        file_index: int = 0,
        staged: Sequence[StagedLoad] = (),
    ) -> None:
        """``staged``: the loads the run's earlier files opened, taken up (what a former try of
        this file left in them deleted) before the file is read."""
        self._engine = engine
        self._writer = writer
        self._source_id = source_id
        self._file = file
        self._workflow_id = workflow_id
        self._batch_rows = batch_rows
        self._bytes_read = bytes_read
        self._buffered = 0
        self._file_index = file_index
        self.slices: dict[tuple[str, datetime], StagedSlice] = {}
        for load in staged:
            self._take_up(load)

    def _take_up(self, load: StagedLoad) -> None:
        period = datetime.fromisoformat(load.billing_period_start)
        earlier = resume_load(self._engine, load.load_id, self._file_index, self._file.size)
        self.slices[(load.billing_account_id, period)] = StagedSlice(
            load.load_id,
            load.slice_id,
            load.billing_account_id,
            period,
            self._file_index,
            earlier,
        )

    @property
    def load_ids(self) -> tuple[int, ...]:
        """Every load of the run so far, the earlier files' included."""
        return tuple(s.load_id for s in self.slices.values())

    @property
    def opened_ids(self) -> tuple[int, ...]:
        """The loads this file opened (a failure of the file abandons these only)."""
        return tuple(s.load_id for s in self.slices.values() if s.earlier is None)

    @property
    def file_slices(self) -> list[StagedSlice]:
        """The slices this file opened or gave rows to, in the order they were met."""
        return [s for s in self.slices.values() if s.of_this_file]

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
                file_index=self._file_index,
            )
            slice_id = self._slice_id(load_id)
            staged = StagedSlice(load_id, slice_id, account, period, self._file_index)
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

    def flush(self, whole_file: bool = False) -> None:
        """COPY every buffered line and quarantined row and commit them with the progress;
        ``whole_file``: the file is read to its end, so each of its slices has read its size
        (the reader may have closed it, leaving no offset to see)."""
        touched = [s for s in self.slices.values() if s.lines or s.quarantined]
        if whole_file:
            touched = self.file_slices
        for staged in touched:
            if staged.lines:
                self._writer.copy_lines(staged.load_id, staged.lines)
            if staged.quarantined:
                self._writer.copy_quarantined(staged.load_id, staged.quarantined)
            staged.lines, staged.quarantined = [], []
        done = self._file.size if whole_file else self._bytes_read()
        self._writer.commit(s.progress(done) for s in touched)
        self._buffered = 0
