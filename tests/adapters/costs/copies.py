"""The real CSV samples rewritten as the other shapes they are delivered in: CSV.gz, Parquet,
and CUR 2.0 Parquet (legacy names rewritten the way AWS renamed them, tags and the product's
name in map columns)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from domain.costs.aws_formats import cur2_name


def gzipped(csv: Path, into: Path) -> Path:
    target = into / f"{csv.name}.gz"
    with csv.open("rb") as source, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(source, packed)
    return target


def text_table(csv: Path) -> pa.Table:
    header = pacsv.read_csv(csv).column_names
    options = pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
    )
    return pacsv.read_csv(csv, convert_options=options)


def as_parquet(csv: Path, into: Path) -> Path:
    """Every cell kept as the text the CSV holds, so both copies carry the same digits."""
    target = into / f"{csv.stem}.parquet"
    pq.write_table(text_table(csv), target, row_group_size=100)
    return target


def as_cur2_parquet(legacy_csv: Path, into: Path) -> Path:
    table = text_table(legacy_csv)
    tags = [name for name in table.column_names if name.startswith("resourceTags/")]
    plain = table.drop_columns([*tags, "product/ProductName"])
    renamed = plain.rename_columns([cur2_name(name) for name in plain.column_names])
    names = table.column("product/ProductName").to_pylist()
    product = pa.array(
        [[("product_name", name)] for name in names], pa.map_(pa.string(), pa.string())
    )
    pairs = [
        [(name.removeprefix("resourceTags/"), v) for name in tags if (v := row[name])]
        for row in table.select(tags).to_pylist()
    ]
    resource_tags = pa.array(pairs, type=pa.map_(pa.string(), pa.string()))
    target = into / "cur2.parquet"
    columns = renamed.append_column("resource_tags", resource_tags)
    pq.write_table(columns.append_column("product", product), target)
    return target
