"""A small CSV upload (an org export, an asset register, a card statement) read whole into its
header and rows: UTF-8 with or without a byte-order mark, header names stripped and lower
case, each cell stripped (a missing cell is empty). What the rows mean is the domain's to check."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass


@dataclass(frozen=True)
class CsvTable:
    header: tuple[str, ...]
    rows: list[dict[str, str]]
    sha256: str  # of the text as given, so the same file is known again


def read_csv_table(text: str) -> CsvTable:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = tuple(name.strip().lower() for name in next(reader, []))
    rows = [
        {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        for cells in reader
        if any(cell.strip() for cell in cells)
    ]
    return CsvTable(header, rows, hashlib.sha256(text.encode()).hexdigest())
