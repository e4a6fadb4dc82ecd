"""The ingest's writer: COPY batches of worked-out cost lines and quarantined rows into the
staging tables of a file's loads, and their progress onto the loads, one transaction a batch;
and a load a later file of the run adds to, taken up where its earlier files left it.

Nothing written here is visible to a reader of ``cost_lines``: staging tables are attached only
by ``swap_in_loads``; a batch is committed so the progress bar moves and memory stays bounded."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import Connection as PgConnection
from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

from models.costs.lines import PARTITION_SCHEMA, WORKED_OUT
from models.costs.loading import LINE_COLUMNS, copy_staged
from models.costs.quarantine import QuarantinedRow, copy_quarantined
from models.costs.records import LoadStatus

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


@dataclass(frozen=True)
class EarlierFiles:
    """What a load's earlier files of the run staged: their lines (flagged or not), their
    quarantined rows and their bytes."""

    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_flagged: int = 0
    bytes: int = 0


def resume_load(engine: Engine, load_id: int, file_index: int, file_size: int) -> EarlierFiles:
    """Take up a load an earlier file of the run staged, for its file ``file_index``: whatever
    an earlier try of this file or a later one left (lines, quarantined rows, file records) is
    deleted first, so a retried file never adds its rows twice; then what remains is counted
    from the tables themselves and the load's size grows by this file's."""
    with engine.begin() as connection:
        status = connection.scalar(
            text("SELECT status FROM cost_loads WHERE id = :load FOR UPDATE"), {"load": load_id}
        )
        if status != LoadStatus.LOADING.value:
            raise ValueError(f"load {load_id} is {status}, not loading: it cannot take a file")
        later = {"load": load_id, "index": file_index}
        connection.execute(text("SELECT cost_lines_unstage(:load, :index)"), later)
        for table in ("cost_quarantined_lines", "cost_load_files"):
            connection.execute(
                text(f"DELETE FROM {table} WHERE load_id = :load AND file_index >= :index"), later
            )
        earlier = _earlier(connection, load_id)
        connection.execute(
            text("UPDATE cost_loads SET bytes_total = :bytes WHERE id = :load"),
            {"bytes": earlier.bytes + file_size, "load": load_id},
        )
    return earlier


def _earlier(connection: Connection, load_id: int) -> EarlierFiles:
    staging = f"{PARTITION_SCHEMA}.cost_lines_load_{int(load_id)}"
    lines = connection.execute(
        text(
            "SELECT count(*) AS loaded, count(*) FILTER (WHERE quality_flags IS NOT NULL) "
            f"AS flagged FROM {staging}"
        )
    ).one()
    quarantined = connection.scalar(
        text("SELECT count(*) FROM cost_quarantined_lines WHERE load_id = :load"),
        {"load": load_id},
    )
    size = connection.scalar(
        text("SELECT coalesce(sum(bytes), 0) FROM cost_load_files WHERE load_id = :load"),
        {"load": load_id},
    )
    return EarlierFiles(int(lines.loaded), int(quarantined or 0), int(lines.flagged), int(size))


class StagingWriter:
    """One connection for the whole file (the load's file ``file_index`` of the run); the
    caller commits after each batch."""

    def __init__(self, engine: Engine, file_index: int = 0) -> None:
        self.file_index = file_index
        self._connection = engine.connect()
        raw = self._connection.connection.driver_connection
        assert isinstance(raw, PgConnection)
        self._raw = raw

    @property
    def raw(self) -> PgConnection:
        """The psycopg connection underneath, for statements of the caller's own."""
        return self._raw

    def rollback(self) -> None:
        """Roll back the open transaction, statements sent on ``raw`` included."""
        self._connection.rollback()
        self._raw.rollback()

    def copy_lines(self, load_id: int, rows: Iterable[Sequence[object]]) -> None:
        copy_staged(self._raw, load_id, rows, INGEST_COLUMNS)

    def copy_quarantined(self, load_id: int, rows: Iterable[QuarantinedRow]) -> None:
        copy_quarantined(self._raw, load_id, rows, self.file_index)

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

    def record_file(
        self, load_ids: Iterable[int], name: str, sha256: str, size: int, report: Mapping[str, Any]
    ) -> dict[int, list[dict[str, Any]]]:
        """Record this file, with its report, as a file of each of ``load_ids``; each load's
        files' reports so far, in the run's order (committed with the record)."""
        loads = sorted(set(load_ids))
        self._connection.execute(
            text(
                "INSERT INTO cost_load_files (load_id, file_index, file_name, file_hash, bytes, "
                "report) VALUES (:load, :index, :name, :hash, :bytes, :report) "
                "ON CONFLICT (load_id, file_index) DO UPDATE SET file_name = EXCLUDED.file_name, "
                "file_hash = EXCLUDED.file_hash, bytes = EXCLUDED.bytes, report = EXCLUDED.report"
            ).bindparams(bindparam("report", type_=JSONB)),
            [
                {
                    "load": load,
                    "index": self.file_index,
                    "name": name,
                    "hash": sha256,
                    "bytes": size,
                    "report": dict(report),
                }
                for load in loads
            ],
        )
        rows = self._connection.execute(
            text(
                "SELECT load_id, report FROM cost_load_files WHERE load_id = ANY(:loads) "
                "ORDER BY load_id, file_index"
            ),
            {"loads": loads},
        )
        reports: dict[int, list[dict[str, Any]]] = {load: [] for load in loads}
        for row in rows:
            reports[row.load_id].append(dict(row.report))
        return reports

    def record_reports(self, reports: Mapping[int, Mapping[str, object]]) -> None:
        """Store each load's report (its files' reports merged), and commit."""
        if reports:
            self._connection.execute(
                text("UPDATE cost_loads SET report = :report WHERE id = :load").bindparams(
                    bindparam("report", type_=JSONB)
                ),
                [{"load": load, "report": dict(report)} for load, report in reports.items()],
            )
        self._connection.commit()

    def close(self) -> None:
        """Roll back what was not committed and return the connection."""
        self._connection.close()
