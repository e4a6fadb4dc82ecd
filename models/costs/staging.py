"""The ingest's writer: COPY batches of worked-out cost lines and quarantined rows into the
staging tables of a file's loads, and their progress onto the loads, one transaction a batch.

Nothing written here is visible to a reader of ``cost_lines``: staging tables are attached only
by ``swap_in_loads``; a batch is committed so the progress bar moves and memory stays bounded."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from psycopg import Connection as PgConnection
from sqlalchemy import Engine, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

from models.costs.lines import WORKED_OUT
from models.costs.loading import LINE_COLUMNS, copy_staged
from models.costs.quarantine import QuarantinedRow, copy_quarantined

# The columns of a line the ingest writes: lineage, FOCUS, tags and extras, then what it
# worked out (base amounts and rate, quality flags, allocation).
INGEST_COLUMNS: tuple[str, ...] = (*LINE_COLUMNS, *WORKED_OUT)


@dataclass(frozen=True)
class LoadProgress:
    """How far one load of the file has got; counts are totals so far, not increments."""

    load_id: int
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_flagged: int
    bytes_read: int


class StagingWriter:
    """One connection for the whole file; the caller commits after each batch."""

    def __init__(self, engine: Engine) -> None:
        self._connection = engine.connect()
        raw = self._connection.connection.driver_connection
        assert isinstance(raw, PgConnection)
        self._raw = raw

    def copy_lines(self, load_id: int, rows: Iterable[Sequence[object]]) -> None:
        copy_staged(self._raw, load_id, rows, INGEST_COLUMNS)

    def copy_quarantined(self, load_id: int, rows: Iterable[QuarantinedRow]) -> None:
        copy_quarantined(self._raw, load_id, rows)

    def commit(self, progress: Iterable[LoadProgress]) -> None:
        """Record each load's progress and commit the batch with it."""
        statement = text(
            "UPDATE cost_loads SET rows_read = :rows_read, rows_loaded = :rows_loaded, "
            "rows_quarantined = :rows_quarantined, rows_flagged = :rows_flagged, "
            "bytes_read = :bytes_read WHERE id = :load_id"
        )
        params = [vars(p) for p in progress]
        if params:
            self._connection.execute(statement, params)
        self._connection.commit()

    def record_report(self, load_ids: Iterable[int], report: Mapping[str, object]) -> None:
        """Store the file's report on each of its loads, and commit."""
        self._connection.execute(
            text("UPDATE cost_loads SET report = :report WHERE id = ANY(:loads)").bindparams(
                bindparam("report", type_=JSONB)
            ),
            {"report": dict(report), "loads": list(load_ids)},
        )
        self._connection.commit()

    def close(self) -> None:
        """Roll back what was not committed and return the connection."""
        self._connection.close()
