"""Parquet cost files (CUR 2.0, FOCUS exports), read one record batch at a time.

Cells are given as text so every format is parsed by the same rules: decimals as written,
floats in their shortest exact form (`repr`), timestamps in ISO 8601 (UTC when naive), maps
(CUR 2.0's `resource_tags`) and structs as JSON objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from adapters.costs.raw_rows import RawCostRow
from domain.costs.errors import CostFileError

BATCH_ROWS = 1_000


class ParquetCostFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path.name
        try:
            self._parquet = pq.ParquetFile(path)
        except (pa.ArrowInvalid, OSError) as error:
            raise CostFileError(
                self.file, 0, "", f"not a readable Parquet file ({error})"
            ) from error
        self.header = tuple(self._parquet.schema_arrow.names)

    def rows(self) -> Iterator[RawCostRow]:
        row_number = 0
        try:
            for batch in self._parquet.iter_batches(batch_size=BATCH_ROWS):
                for record in batch.to_pylist():
                    row_number += 1
                    yield RawCostRow(row_number, {k: _text(v) for k, v in record.items()})
        except (pa.ArrowInvalid, OSError) as error:
            raise CostFileError(self.file, row_number + 1, "", f"unreadable ({error})") from error


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date | bool | int):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, list):  # a map column: a list of (key, value) pairs
        return json.dumps(dict(value))
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    return str(value)
