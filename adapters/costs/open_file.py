"""The reader for a cost file, chosen by its name: `.csv`, `.csv.gz` or `.parquet`."""

from __future__ import annotations

from pathlib import Path

from adapters.costs.csv_reader import CsvCostFile
from adapters.costs.parquet_reader import ParquetCostFile
from adapters.costs.raw_rows import CostFileReader
from domain.costs.errors import CostFileError


def open_cost_file(path: Path) -> CostFileReader:
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz")):
        return CsvCostFile(path)
    if name.endswith((".parquet", ".snappy.parquet", ".gz.parquet")):
        return ParquetCostFile(path)
    raise CostFileError(path.name, 0, "", "not a .csv, .csv.gz or .parquet file")
