"""Rows a data-quality rule keeps out of the cost lines: stored with the rule and the row as
read, listed per load, never silently dropped."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from psycopg import Connection as PgConnection
from psycopg.types.json import Jsonb
from sqlalchemy import Engine, text

from models.costs.loading import BATCH_ROWS


@dataclass(frozen=True)
class QuarantinedRow:
    """One row of a file, the rule that quarantined it and why, and its values as read; with
    the invoice and BilledCost its format's mapping reads from them (whatever the file's
    headers), so reconciliation counts its cost under its invoice."""

    row_number: int
    rule: str
    detail: str
    values: Mapping[str, object]
    invoice_id: str | None = None
    billed_cost: Decimal | None = None


def _as_text(value: object) -> str:
    """Decimals and dates as the exact text they print as (a float would lose digits)."""
    return str(value)


def _dumps(values: object) -> str:
    return json.dumps(values, default=_as_text)


def quarantine_rows(engine: Engine, load_id: int, rows: Iterable[QuarantinedRow]) -> int:
    """COPY the rows into the quarantine, ``BATCH_ROWS`` per transaction, and add them to the
    load's count; the number stored."""
    stored = 0
    iterator = iter(rows)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert isinstance(raw, PgConnection)
        while batch := list(islice(iterator, BATCH_ROWS)):
            copy_quarantined(raw, load_id, batch)
            stored += len(batch)
            connection.execute(
                text(
                    "UPDATE cost_loads SET rows_quarantined = rows_quarantined + :n "
                    "WHERE id = :load"
                ),
                {"n": len(batch), "load": load_id},
            )
            connection.commit()
    return stored


def copy_quarantined(
    raw: PgConnection, load_id: int, rows: Iterable[QuarantinedRow], file_index: int = 0
) -> None:
    """COPY the rows of the load's file ``file_index`` into the quarantine in the connection's
    open transaction (the caller counts them on the load)."""
    with (
        raw.cursor() as cursor,
        cursor.copy(
            "COPY cost_quarantined_lines (load_id, file_index, file_row, rule, detail, line, "
            "invoice_id, billed_cost) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            values = Jsonb(dict(row.values), dumps=_dumps)
            copy.write_row(
                (
                    load_id,
                    file_index,
                    row.row_number,
                    row.rule,
                    row.detail,
                    values,
                    row.invoice_id,
                    row.billed_cost,
                )
            )


def quarantined_rows(engine: Engine, load_id: int) -> list[QuarantinedRow]:
    """The load's quarantined rows in file order."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT file_row, rule, detail, line, invoice_id, billed_cost "
                "FROM cost_quarantined_lines "
                "WHERE load_id = :load ORDER BY file_index, file_row, id"
            ),
            {"load": load_id},
        )
        return [
            QuarantinedRow(r.file_row, r.rule, r.detail, r.line, r.invoice_id, r.billed_cost)
            for r in rows
        ]
