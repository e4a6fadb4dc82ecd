"""CSV and CSV.gz cost files, read as a stream: only the current row is in memory.

UTF-8 with or without a byte-order mark (Azure writes one); blank lines are skipped and not
counted. A row with more or fewer cells than
the header, text that is not UTF-8, a truncated or corrupt gzip stream or a broken quote raises
a CostFileError naming the file and the row.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from adapters.costs.raw_rows import RawCostRow
from domain.costs.errors import CostFileError

_BROKEN_FILE = (UnicodeDecodeError, EOFError, gzip.BadGzipFile, zlib.error, csv.Error)
csv.field_size_limit(16 * 1024 * 1024)  # a real Tags or AdditionalInfo cell can be large


class CsvCostFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path.name
        with self._open() as stream:
            try:
                self.header = tuple(next(csv.reader(stream), ()))
            except _BROKEN_FILE as error:
                raise CostFileError(self.file, 0, "", _describe(error)) from error
        if not self.header:
            raise CostFileError(self.file, 0, "", "the file is empty")

    def _open(self) -> IO[str]:
        """A text stream the caller closes (in its `with`), decompressing `.gz` on the fly."""
        gzipped = self.path.name.endswith(".gz")
        binary = gzip.open(self.path, "rb") if gzipped else self.path.open("rb")  # noqa: SIM115
        return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")

    def rows(self) -> Iterator[RawCostRow]:
        row_number = 0
        with self._open() as stream:
            reader = csv.reader(stream)
            try:
                next(reader)
                for cells in reader:
                    if cells:  # a blank line (the FOCUS spec's own examples end with one)
                        row_number += 1
                        yield self._row(row_number, cells)
            except _BROKEN_FILE as error:
                raise CostFileError(self.file, row_number + 1, "", _describe(error)) from error

    def _row(self, row_number: int, cells: list[str]) -> RawCostRow:
        if len(cells) != len(self.header):
            problem = f"{len(cells)} cells where the header has {len(self.header)}"
            raise CostFileError(self.file, row_number, "", problem)
        return RawCostRow(row_number, dict(zip(self.header, cells, strict=True)))


def _describe(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "the file is not UTF-8 text"
    if isinstance(error, csv.Error):
        return f"the CSV is malformed ({error})"
    return "the compressed file is truncated or corrupt"
