"""The real AWS CUR sample (tests/data/costs/aws-cur, November 2023, 1,281 lines of one payer
account) as a provider delivers it: whole, cut to its first lines (a revised delivery of the
same month), gzipped, gzipped and truncated, and in a bucket's CUR layout with its manifest."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

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
