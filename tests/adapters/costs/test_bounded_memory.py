"""Reading a cost file holds a row (CSV) or a record batch (Parquet), never the file: the
memory a read allocates stays far below the file's size as text."""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from adapters.costs.open_file import open_cost_file
from tests.builders.cost_files import AWS_CUR_SAMPLE, text_table

COPIES = 20  # 25,620 rows, about 21 MB as text


def _peak_bytes_while_reading(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        rows = sum(1 for _ in open_cost_file(path).rows())
        return rows, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_csv_gz_is_read_a_row_at_a_time(tmp_path: Path) -> None:
    header, *lines = AWS_CUR_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    big = tmp_path / "cur.csv.gz"
    with gzip.open(big, "wt", encoding="utf-8") as packed:
        packed.write(header)
        for _ in range(COPIES):
            packed.writelines(lines)
    text_size = len(header) + COPIES * sum(len(line) for line in lines)
    rows, peak = _peak_bytes_while_reading(big)
    assert rows == COPIES * len(lines)
    assert peak < text_size / 20


def test_a_large_parquet_file_is_read_a_batch_at_a_time(tmp_path: Path) -> None:
    big = tmp_path / "cur.parquet"
    pq.write_table(pa.concat_tables([text_table(AWS_CUR_SAMPLE)] * COPIES), big)
    text_size = COPIES * AWS_CUR_SAMPLE.stat().st_size
    rows, peak = _peak_bytes_while_reading(big)
    assert rows == COPIES * 1281
    assert peak < text_size / 2
