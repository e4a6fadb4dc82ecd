"""A load's database steps: open it, stage, COPY its lines, swap it in, or abandon it.

The guarantee: a reader of ``cost_lines`` sees a slice's previous lines or all of the new load's
lines, never a mix, never both, never a part. The new lines go into a staging table no query
reads; ``swap_in`` replaces the slice's partition by it and rebuilds its roll-ups in one
transaction; a load that fails before leaves the previous partition as it was."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, Protocol

from psycopg import Connection as PgConnection
from psycopg import sql
from psycopg.types.json import Jsonb
from sqlalchemy import Connection, Engine, Row, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

from domain.costs.tag_keys import normalised_tags
from models.costs.lines import ADDED, FOCUS_STORED, LINEAGE, PARTITION_SCHEMA
from models.costs.records import LoadStatus
from models.costs.rollups import rebuild_daily

BATCH_ROWS = 50_000
_JSON_COLUMNS = frozenset({"Tags", "SkuPriceDetails"})


class NormalisedLine(Protocol):
    """A cost line as the formats hand it over: FOCUS column name -> typed value (``Decimal``,
    aware ``datetime``, ``str``, ``dict`` for JSON columns), other columns, file row number."""

    @property
    def focus(self) -> Mapping[str, object]: ...
    @property
    def extras(self) -> Mapping[str, str]: ...
    @property
    def row_number(self) -> int: ...


class LineOutsideSlice(ValueError):
    """A line of another billing account or billing period than its load's: nothing is stored."""

    def __init__(self, row_number: int, column: str, value: object, expected: object) -> None:
        super().__init__(f"row {row_number}: {column} is {value!r}, the load is for {expected!r}")
        self.row_number = row_number
        self.column = column


def open_load(
    engine: Engine,
    *,
    source_id: int,
    billing_account_id: str,
    billing_period_start: datetime,
    file_name: str,
    file_hash: str,
    workflow_id: str | None = None,
    bytes_total: int = 0,
    file_index: int = 0,
) -> int:
    """Record a load of the slice (created if new) with the file that opened it (the run's
    file ``file_index``) as its first, and create its staging table; its id."""
    with engine.begin() as connection:
        slice_id = _slice(connection, source_id, billing_account_id, billing_period_start)
        load_id = connection.scalar(
            text(
                "INSERT INTO cost_loads (source_id, slice_id, file_name, file_hash, status, "
                "workflow_id, bytes_total) "
                "VALUES (:source, :slice, :name, :hash, :status, :workflow, :bytes) RETURNING id"
            ),
            {
                "source": source_id,
                "slice": slice_id,
                "name": file_name,
                "hash": file_hash,
                "status": LoadStatus.LOADING.value,
                "workflow": workflow_id,
                "bytes": bytes_total,
            },
        )
        connection.execute(
            text(
                "INSERT INTO cost_load_files (load_id, file_index, file_name, file_hash, bytes) "
                "VALUES (:load, :index, :name, :hash, :bytes)"
            ),
            {
                "load": load_id,
                "index": file_index,
                "name": file_name,
                "hash": file_hash,
                "bytes": bytes_total,
            },
        )
        connection.execute(
            text("SELECT cost_lines_stage(:slice, :load)"), {"slice": slice_id, "load": load_id}
        )
    return int(load_id)


def _slice(connection: Connection, source_id: int, account: str, period: datetime) -> int:
    return int(
        connection.scalar(
            text(
                "INSERT INTO cost_slices (source_id, billing_account_id, billing_period_start) "
                "VALUES (:source, :account, :period) ON CONFLICT "
                "(source_id, billing_account_id, billing_period_start) "
                "DO UPDATE SET source_id = EXCLUDED.source_id RETURNING id"
            ),
            {"source": source_id, "account": account, "period": period},
        )
    )


def record_failed_load(
    engine: Engine,
    *,
    source_id: int,
    billing_account_id: str,
    billing_period_start: datetime,
    file_name: str,
    file_hash: str,
    workflow_id: str | None,
    report: Mapping[str, object],
) -> int:
    """Record a file refused before any of its slices was staged (its header, its first row):
    a failed load of the slice it was for, with the report naming the problem; its id."""
    with engine.begin() as connection:
        slice_id = _slice(connection, source_id, billing_account_id, billing_period_start)
        return int(
            connection.execute(
                text(
                    "INSERT INTO cost_loads (source_id, slice_id, file_name, file_hash, status, "
                    "workflow_id, report, finished_at) VALUES (:source, :slice, :name, :hash, "
                    ":failed, :workflow, :report, now()) RETURNING id"
                ).bindparams(bindparam("report", type_=JSONB)),
                {
                    "source": source_id,
                    "slice": slice_id,
                    "name": file_name,
                    "hash": file_hash,
                    "failed": LoadStatus.FAILED.value,
                    "workflow": workflow_id,
                    "report": dict(report),
                },
            ).scalar_one()
        )


def copy_lines(
    engine: Engine, load_id: int, lines: Iterable[NormalisedLine], batch_rows: int = BATCH_ROWS
) -> int:
    """COPY the lines into the load's staging table, ``batch_rows`` per transaction, streaming
    (one batch of rows in memory at most); the number copied. A line of another account or
    period raises ``LineOutsideSlice``; whatever was copied stays invisible until ``swap_in``."""
    with engine.connect() as connection:
        slice_row = connection.execute(
            text(
                "SELECT s.id, s.billing_account_id, s.billing_period_start FROM cost_loads l "
                "JOIN cost_slices s ON s.id = l.slice_id WHERE l.id = :load"
            ),
            {"load": load_id},
        ).one()
        raw = connection.connection.driver_connection
        assert isinstance(raw, PgConnection)
        copied = 0
        rows = _rows(
            lines,
            slice_row.id,
            load_id,
            slice_row.billing_account_id,
            slice_row.billing_period_start,
        )
        while batch := list(islice(rows, batch_rows)):
            copy_staged(raw, load_id, batch)
            copied += len(batch)
            connection.execute(
                text("UPDATE cost_loads SET rows_loaded = :n WHERE id = :load"),
                {"n": copied, "load": load_id},
            )
            connection.commit()
    return copied


LINE_COLUMNS = (*LINEAGE, *(stored for _, stored in FOCUS_STORED), *ADDED)


def copy_staged(
    raw: PgConnection,
    load_id: int,
    batch: Iterable[Sequence[object]],
    columns: Sequence[str] = LINE_COLUMNS,
) -> None:
    """COPY ``batch`` (one value per column of ``columns``) into the load's staging table, in
    the connection's open transaction."""
    statement = sql.SQL("COPY {}.{} ({}) FROM STDIN").format(
        sql.Identifier(PARTITION_SCHEMA),
        sql.Identifier(f"cost_lines_load_{load_id}"),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
    )
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in batch:
            copy.write_row(row)


def _rows(
    lines: Iterable[NormalisedLine], slice_id: int, load_id: int, account: str, period: datetime
) -> Iterator[tuple[object, ...]]:
    for line in lines:
        focus = line.focus
        _check(line, "BillingAccountId", account)
        _check(line, "BillingPeriodStart", period)
        tags = focus.get("Tags")
        yield (
            slice_id,
            load_id,
            0,  # a load's lines given here are of one file
            line.row_number,
            *(_value(name, focus.get(name)) for name, _ in FOCUS_STORED),
            Jsonb(normalised_tags(tags)) if isinstance(tags, Mapping) else None,
            Jsonb(dict(line.extras)) if line.extras else None,
        )


def _check(line: NormalisedLine, column: str, expected: object) -> None:
    value = line.focus.get(column)
    if value != expected:
        raise LineOutsideSlice(line.row_number, column, value, expected)


def _value(name: str, value: object) -> object:
    return Jsonb(value) if name in _JSON_COLUMNS and value is not None else value


def swap_in(engine: Engine, load_id: int) -> None:
    """``swap_in_loads`` of one load."""
    swap_in_loads(engine, (load_id,))


def swap_in_loads(engine: Engine, load_ids: Iterable[int]) -> None:
    """In one transaction, for every load: drop its slice's previous partition (if any), attach
    the load's staging table as the new one, rebuild the slice's daily roll-ups, and mark the
    load current and the previous one replaced. Readers wait for the commit and then see every
    slice's new lines; until then (and if any step fails) every previous partition is intact.
    Slices are locked in id order, so two runs swapping overlapping slices cannot deadlock."""
    with engine.begin() as connection:
        loads = connection.execute(
            text(
                "SELECT l.id, l.slice_id, l.status, s.current_load_id, s.billing_period_start "
                "FROM cost_loads l JOIN cost_slices s ON s.id = l.slice_id "
                "WHERE l.id = ANY(:loads) ORDER BY s.id FOR UPDATE OF s"
            ),
            {"loads": sorted(set(load_ids))},
        ).all()
        missing = set(load_ids) - {load.id for load in loads}
        if missing:
            raise ValueError(f"no load {', '.join(map(str, sorted(missing)))}")
        for load in loads:
            _swap(connection, load)


def _swap(connection: Connection, load: Row[Any]) -> None:
    if load.status != LoadStatus.LOADING.value:
        raise ValueError(f"load {load.id} is {load.status}, not loading")
    connection.execute(
        text("SELECT cost_lines_swap(:slice, :load)"), {"slice": load.slice_id, "load": load.id}
    )
    rebuild_daily(connection, load.slice_id, load.billing_period_start)
    connection.execute(
        text("UPDATE cost_loads SET status = :replaced WHERE id = :previous"),
        {"replaced": LoadStatus.REPLACED.value, "previous": load.current_load_id},
    )
    connection.execute(
        text("UPDATE cost_loads SET status = :current, finished_at = now() WHERE id = :load"),
        {"current": LoadStatus.CURRENT.value, "load": load.id},
    )


def abandon_load(engine: Engine, load_id: int, report: Mapping[str, object]) -> None:
    """``abandon_loads`` of one load."""
    abandon_loads(engine, (load_id,), report)


def abandon_loads(engine: Engine, load_ids: Iterable[int], report: Mapping[str, object]) -> None:
    """Drop what the loads staged and mark each still loading failed with ``report`` (merged
    into what it already holds); their slices keep the partitions they had. Harmless to repeat."""
    with engine.begin() as connection:
        for load_id in sorted(set(load_ids)):
            connection.execute(text("SELECT cost_lines_discard(:load)"), {"load": load_id})
            connection.execute(
                text(
                    "UPDATE cost_loads SET status = :failed, finished_at = now(), "
                    "report = report || :report WHERE id = :load AND status = :loading"
                ).bindparams(bindparam("report", type_=JSONB)),
                {
                    "load": load_id,
                    "report": dict(report),
                    "failed": LoadStatus.FAILED.value,
                    "loading": LoadStatus.LOADING.value,
                },
            )
