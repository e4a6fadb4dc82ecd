"""The real AWS CUR sample (tests/data/costs/aws-cur, November 2023, 1,281 lines of one payer
account) as a provider delivers it: whole, cut to its first lines (a revised delivery of the
same month), gzipped, gzipped and truncated, in a bucket's CUR layout with its manifest, and
split in parts (a large report's ``-00001``, ``-00002`` files)."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb

from tests.builders.cost_files import AWS_CUR_SAMPLE

PERIOD = "2023-11"
SAMPLE_LINES = 1281
CUR_FOLDER = "cur/daily/20231101-20231201"


def sample_lines(count: int | None = None) -> bytes:
    """The sample's header and its first ``count`` lines (all of them when None)."""
    lines = AWS_CUR_SAMPLE.read_bytes().splitlines(keepends=True)
    return b"".join(lines if count is None else lines[: count + 1])


def gzipped_sample() -> bytes:
    return gzip.compress(sample_lines())


def truncated_gzip() -> bytes:
    packed = gzipped_sample()
    return packed[: len(packed) // 2]


def put(folder: Path, key: str, content: bytes) -> Path:
    path = folder / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def put_cur_report(client: Any, bucket: str) -> None:
    """The month as AWS writes a legacy CUR: its latest assembly, an older one beside it
    (a part of the month only), and the manifest naming the latest."""
    client.create_bucket(Bucket=bucket)
    latest = f"{CUR_FOLDER}/20231203T120255Z-4f1b/daily-00001.csv.gz"
    older = f"{CUR_FOLDER}/20231120T120255Z-9a0c/daily-00001.csv.gz"
    client.put_object(Bucket=bucket, Key=latest, Body=gzipped_sample())
    client.put_object(Bucket=bucket, Key=older, Body=gzip.compress(sample_lines(200)))
    manifest = {
        "assemblyId": "20231203T120255Z-4f1b",
        "reportName": "daily",
        "compression": "GZIP",
        "billingPeriod": {"start": "20231101T000000.000Z", "end": "20231201T000000.000Z"},
        "reportKeys": [latest],
    }
    client.put_object(
        Bucket=bucket,
        Key=f"{CUR_FOLDER}/daily-Manifest.json",
        Body=json.dumps(manifest).encode(),
    )


def sample_parts(*cuts: int) -> list[bytes]:
    """The sample in parts, each with the header, cut after each of ``cuts`` lines."""
    header, *lines = sample_lines().splitlines(keepends=True)
    bounds = [0, *cuts, len(lines)]
    return [header + b"".join(lines[a:b]) for a, b in pairwise(bounds)]


def put_cur_report_in_parts(client: Any, bucket: str, first: int) -> list[tuple[str, bytes]]:
    """The month's latest assembly in two gzipped parts and the manifest naming both; each
    part's name and bytes."""
    client.create_bucket(Bucket=bucket)
    folder = f"{CUR_FOLDER}/20231203T120255Z-4f1b"
    parts = [
        (f"daily-0000{n}.csv.gz", gzip.compress(part))
        for n, part in enumerate(sample_parts(first), 1)
    ]
    for name, body in parts:
        client.put_object(Bucket=bucket, Key=f"{folder}/{name}", Body=body)
    manifest = {
        "assemblyId": "20231203T120255Z-4f1b",
        "reportName": "daily",
        "compression": "GZIP",
        "billingPeriod": {"start": "20231101T000000.000Z", "end": "20231201T000000.000Z"},
        "reportKeys": [f"{folder}/{name}" for name, _ in parts],
    }
    client.put_object(
        Bucket=bucket, Key=f"{CUR_FOLDER}/daily-Manifest.json", Body=json.dumps(manifest).encode()
    )
    return parts


def duckdb_billed(path: Path) -> tuple[int, Decimal]:
    """DuckDB's count of the CUR file's lines and sum of their BilledCost
    (``lineItem/UnblendedCost``), read from the file on its own."""
    query = (
        'SELECT count(*), sum(CAST("lineItem/UnblendedCost" AS DECIMAL(38, 20))) '
        f"FROM read_csv('{path}', all_varchar=true, header=true, nullstr=[''])"
    )
    row = duckdb.connect().execute(query).fetchone()
    assert row is not None
    return int(row[0]), Decimal(row[1]).normalize()
