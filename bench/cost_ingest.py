"""``python -m bench.cost_ingest``: the cost-file ingest against a raw COPY of the same file.

In one run, on an embedded Postgres of its own: a FOCUS CSV of ``--rows`` lines (1,000,000 by
default) made by scaling a real sample (the AWS CUR sample under tests/data/costs, normalised
to FOCUS by poflow's own mapping, each line given a ResourceId of its own);
then a raw psycopg ``COPY ... FROM STDIN (FORMAT csv)`` of that file into an unlogged table of
text columns (the baseline rows/s); then poflow's ingest activity on the same file, in a worker
process of its own (its rows/s, and its peak resident memory while loading), and the swap.
``--read rows`` measures the row-by-row path instead of the one a FOCUS CSV takes (inside
Postgres)."""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text

from adapters.costs.open_file import open_cost_file
from devstack.postgres import libpq_url, start_embedded
from domain.costs.detect import detect_format
from domain.costs.focus_columns import FOCUS_COLUMNS
from domain.costs.normalise import Normaliser
from models.costs.raw_lines import PG_TYPES
from models.db import build_engine
from models.migrate import upgrade_to_head

SAMPLE = Path(__file__).resolve().parents[1] / "tests/data/costs/aws-cur"
SAMPLE_FILE = SAMPLE / "sample-anonymous-aws-export-dataset.csv"
TARGET_RATIO = 0.5
# A FOCUS export fills ServiceCategory, which the CUR has no column for: the sample's services'.
SERVICE_CATEGORIES = {
    "Amazon Simple Storage Service": "Storage",
    "Amazon Elastic File System": "Storage",
    "AWS Glue": "Analytics",
    "Amazon Simple Queue Service": "Integration",
    "Amazon Simple Notification Service": "Integration",
    "AWS Step Functions": "Integration",
    "AmazonCloudWatch": "Management and Governance",
    "AWS CloudTrail": "Management and Governance",
    "AWS CloudShell": "Developer Tools",
    "AWS Key Management Service": "Security",
    "AWS Secrets Manager": "Security",
    "AWS Data Transfer": "Networking",
    "AWS IoT": "Internet of Things",
}


def focus_file(rows: int, target: Path) -> Path:
    """``rows`` FOCUS lines: the sample's lines over and over, each with the ServiceCategory of
    its service and a ResourceId of its own (the CUR sample has none, and without one the
    copies would be exact duplicates of each other)."""
    sample = list(_sample_lines())
    names = {"ResourceId", *(name for line in sample for name in line)}
    header = [c.name for c in FOCUS_COLUMNS if c.name in names]
    resource = header.index("ResourceId")
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for number in range(rows):
            cells = [_text(sample[number % len(sample)].get(name)) for name in header]
            cells[resource] = f"resource-{number}"
            writer.writerow(cells)
    return target


def _sample_lines() -> Iterator[dict[str, object]]:
    reader = open_cost_file(SAMPLE_FILE)
    normaliser = Normaliser(reader.file, detect_format(reader.file, reader.header), reader.header)
    for raw in reader.rows():
        focus = normaliser.normalise(raw.row_number, raw.values).focus
        service = focus.get("ServiceName")
        yield {**focus, "ServiceCategory": SERVICE_CATEGORIES.get(str(service), "Other")}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value) if not isinstance(value, Decimal) else format(value, "f")


def raw_copy(database_url: str, file: Path) -> float:
    """Seconds to COPY the file, as it is, into an unlogged table of text columns."""
    return _copy_seconds(database_url, file, {}, logged=False)


def typed_copy(database_url: str, file: Path, logged: bool) -> float:
    """Seconds to COPY the file into a table of its FOCUS types (numeric, timestamptz, jsonb),
    Postgres reading each cell with its own input functions and checking nothing else:
    unlogged, what typing alone costs; logged, the least any durable store of typed lines
    writes (every line into the write-ahead log)."""
    types = {c.name: PG_TYPES[c.data_type] for c in FOCUS_COLUMNS}
    return _copy_seconds(database_url, file, types, logged)


def _copy_seconds(database_url: str, file: Path, types: Mapping[str, str], logged: bool) -> float:
    """Seconds to COPY the file into a table of its header's columns, each of its type in
    ``types`` (text when not there), dropped after."""
    with file.open(encoding="utf-8") as stream:
        header = next(csv.reader(stream))
    columns = ", ".join(f'"{name}" {types.get(name, "text")}' for name in header)
    kind = "" if logged else "UNLOGGED"
    with psycopg.connect(libpq_url(database_url)) as connection:
        connection.execute("SET TimeZone = 'UTC'")
        connection.execute(f"CREATE {kind} TABLE bench_copy ({columns})")
        connection.commit()
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.copy("COPY bench_copy FROM STDIN (FORMAT csv, HEADER true)") as copy,
            file.open("rb") as data,
        ):
            while chunk := data.read(1 << 20):
                copy.write(chunk)
        connection.commit()
        seconds = time.perf_counter() - started
        connection.execute("DROP TABLE bench_copy")
        connection.commit()
    return seconds


def python_passes(file: Path) -> dict[str, float]:
    """Rows/s of the first steps of the ingest on their own, for the file: reading its rows
    (the CSV reader), and reading and normalising them; what the rest of the ingest can reach
    is below both."""
    started = time.perf_counter()
    rows = sum(1 for _ in open_cost_file(file).rows())
    read = time.perf_counter() - started
    reader = open_cost_file(file)
    normaliser = Normaliser(reader.file, detect_format(reader.file, reader.header), reader.header)
    started = time.perf_counter()
    for raw in reader.rows():
        normaliser.normalise(raw.row_number, raw.values)
    normalised = time.perf_counter() - started
    return {
        "read_only_rows_per_s": round(rows / read),
        "read_and_normalise_rows_per_s": round(rows / normalised),
    }


def ingest_in_worker(
    database_url: str, source: str, file: Path, read: str = "postgres"
) -> dict[str, Any]:
    """Run the ingest activity in a process of its own; its figures."""
    worker = "bench.cost_ingest_worker"
    command = [sys.executable, "-m", worker, database_url, source, str(file), read]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def a_source(database_url: str) -> str:
    name = f"bench-focus-{uuid.uuid4().hex[:6]}"
    engine = build_engine(database_url, pool_size=1)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cost_sources (name, format, provider, base_currency) "
                "VALUES (:name, 'focus', 'AWS', 'EUR')"
            ),
            {"name": name},
        )
    engine.dispose()
    return name


def measure(rows: int, folder: Path, read: str = "postgres") -> dict[str, Any]:
    postgres = start_embedded(folder / "pgdata")
    try:
        database_url = postgres.url()
        engine = build_engine(database_url, pool_size=1)
        upgrade_to_head(engine)
        engine.dispose()
        file = focus_file(rows, folder / "focus.csv")
        copy_seconds = raw_copy(database_url, file)
        typed_seconds = typed_copy(database_url, file, logged=False)
        durable_seconds = typed_copy(database_url, file, logged=True)
        ingest = ingest_in_worker(database_url, a_source(database_url), file, read)
        passes = python_passes(file)
    finally:
        postgres.stop()
    copy_rate = rows / copy_seconds
    ingest_rate = ingest["rows_loaded"] / ingest["ingest_seconds"]
    return {
        "read": read,
        "rows": rows,
        "file_mib": round(file.stat().st_size / 2**20, 1),
        "raw_copy_rows_per_s": round(copy_rate),
        "ingest_rows_per_s": round(ingest_rate),
        "ratio": round(ingest_rate / copy_rate, 3),
        "typed_copy_rows_per_s": round(rows / typed_seconds),
        "typed_logged_copy_rows_per_s": round(rows / durable_seconds),
        "typed_logged_copy_ratio": round(rows / durable_seconds / copy_rate, 3),
        "ratio_to_typed_logged_copy": round(ingest_rate * durable_seconds / rows, 3),
        "target_ratio": TARGET_RATIO,
        **passes,
        **ingest,
        "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cost_ingest", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench-cost-ingest.json"))
    parser.add_argument(
        "--read",
        choices=("postgres", "rows"),
        default="postgres",
        help="the ingest path: inside Postgres (what a FOCUS CSV takes) or row by row in Python",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-costs-") as folder:
        figures = measure(options.rows, Path(folder), options.read)
    options.out.write_text(json.dumps(figures, indent=2))
    for name, value in figures.items():
        shown = json.dumps(value) if isinstance(value, dict) else value
        print(f"{name:<28}{shown:>14}")
    print(f"\nwritten to {options.out}")


if __name__ == "__main__":
    main()
