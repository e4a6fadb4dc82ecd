"""Real cost files for tests: the public samples under tests/data/costs/ (each beside its
licence), read and normalised as a load reads them, and rewritten as the other shapes they are
delivered in: CSV.gz, Parquet, and CUR 2.0 Parquet (legacy names rewritten the way AWS renamed
them, tags and the product's name in map columns)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from adapters.costs.open_file import open_cost_file
from domain.costs.aws_formats import cur2_name
from domain.costs.cost_row import CostRow
from domain.costs.detect import detect_format
from domain.costs.mapping import FormatMapping
from domain.costs.normalise import Normaliser

DATA = Path(__file__).resolve().parents[1] / "data" / "costs"
AWS_CUR_SAMPLE = DATA / "aws-cur" / "sample-anonymous-aws-export-dataset.csv"
AZURE_EA_SAMPLE = DATA / "azure" / "azure-ea-cost-export-sample-anonymous.csv"
# An older EA schema: `Cost`, `BillingCurrency`, `Product`, `09/21/2023`, a byte-order mark.
AZURE_EA_OLDER_SAMPLE = DATA / "azure-finops-toolkit" / "EA_ActualCost_Small.csv"
# The spec's purchase scenarios 2 and 3 write an hour 30 (`2023-02-01T30:00:00Z`): real bad
# values, refused with their row and column, so they are kept out of the samples that load.
BAD_DATE_SAMPLES = {
    DATA / "focus-spec-examples" / "commitment_discount_purchase_scenario_2.csv": 3,
    DATA / "focus-spec-examples" / "commitment_discount_purchase_scenario_3.csv": 4,
}
FOCUS_SAMPLES = sorted(set((DATA / "focus-spec-examples").glob("*.csv")) - set(BAD_DATE_SAMPLES))
ALL_SAMPLES = [AWS_CUR_SAMPLE, AZURE_EA_SAMPLE, AZURE_EA_OLDER_SAMPLE, *FOCUS_SAMPLES]


def normalised(path: Path, mapping: FormatMapping | None = None) -> list[CostRow]:
    """Every row of the file, normalised by `mapping` or by the format its header shows."""
    reader = open_cost_file(path)
    chosen = mapping or detect_format(reader.file, reader.header)
    normaliser = Normaliser(reader.file, chosen, reader.header)
    return [normaliser.normalise(row.row_number, row.values) for row in reader.rows()]


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


def as_typed_parquet(csv: Path, into: Path) -> Path:
    """Columns typed as a Parquet export types them: numbers as doubles, dates as UTC
    timestamps, `null` as null (pyarrow's own inference from the CSV)."""
    options = pacsv.ConvertOptions(null_values=["", "null", "NULL"])
    target = into / f"{csv.stem}.typed.parquet"
    pq.write_table(pacsv.read_csv(csv, convert_options=options), target)
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
