"""The stores cost files wait in: a billing period's files are found by their key in a watched
folder, the upload folder and an S3 bucket (moto's S3 server), a CUR manifest picks its latest
assembly, and a file reaches the worker's disk streamed, with its SHA-256."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.costs.file_stores import (
    CHUNK_BYTES,
    FOLDER,
    S3,
    UPLOAD,
    FolderStore,
    MissingStore,
    download,
    files_of,
    store_of,
)
from domain.costs.load_messages import CostFileRef
from tests.builders.cost_files import AWS_CUR_SAMPLE, gzipped
from tests.builders.s3_server import S3Server, s3_server

MANIFEST_FOLDER = "cur/daily/20240901-20241001"


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


def _write(root: Path, key: str, content: bytes = b"a,b\n1,2\n") -> Path:
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _manifest(report_keys: list[str]) -> bytes:
    return json.dumps(
        {
            "assemblyId": "20241003T101010Z-new",
            "reportName": "daily",
            "billingPeriod": {"start": "20240901T000000.000Z", "end": "20241001T000000.000Z"},
            "reportKeys": report_keys,
        }
    ).encode()


CUR_LAYOUT = {
    f"{MANIFEST_FOLDER}/daily-Manifest.json": _manifest(
        [f"{MANIFEST_FOLDER}/new/daily-00001.csv.gz", f"{MANIFEST_FOLDER}/new/daily-00002.csv.gz"]
    ),
    f"{MANIFEST_FOLDER}/old/daily-00001.csv.gz": b"an older assembly",
    f"{MANIFEST_FOLDER}/new/daily-00001.csv.gz": b"part one",
    f"{MANIFEST_FOLDER}/new/daily-00002.csv.gz": b"part two",
    "cur/daily/20241001-20241101/new/daily-00001.csv.gz": b"october",
}


def test_a_folder_lists_the_files_naming_the_billing_period(tmp_path: Path) -> None:
    for key in (
        "focus/billing_period=2024-09/part-0.parquet",
        "focus/billing_period=2024-10/part-0.parquet",
        "telecom-202409.csv",
        "telecom-2024090.csv",  # not a month: a longer number
        f"{'ab' * 10}202409{'cd' * 19}/telecom.csv",  # an upload's SHA-256 names no month
        "colo/2024-09-statement.csv.gz",
        "colo/2024-09-notes.pdf",
        "exports/20240901-20241001/focus-00001.csv.gz",
        "exports/20240801-20240901/focus-00001.csv.gz",
    ):
        _write(tmp_path, key)
    found = files_of(FolderStore(tmp_path), "2024-09")
    assert found == [
        CostFileRef(FOLDER, "colo/2024-09-statement.csv.gz", "2024-09-statement.csv.gz"),
        CostFileRef(FOLDER, "exports/20240901-20241001/focus-00001.csv.gz", "focus-00001.csv.gz"),
        CostFileRef(FOLDER, "focus/billing_period=2024-09/part-0.parquet", "part-0.parquet"),
        CostFileRef(FOLDER, "telecom-202409.csv", "telecom-202409.csv"),
    ]


def test_a_cur_manifest_names_the_period_files_of_its_latest_assembly(tmp_path: Path) -> None:
    for key, content in CUR_LAYOUT.items():
        _write(tmp_path / "bucket-copy", key.removeprefix("cur/"), content)
    found = files_of(FolderStore(tmp_path / "bucket-copy"), "2024-09")
    assert [ref.key for ref in found] == [
        "daily/20240901-20241001/new/daily-00001.csv.gz",
        "daily/20240901-20241001/new/daily-00002.csv.gz",
    ]


def test_the_upload_store_lists_the_sources_own_uploads(tmp_path: Path, s3: S3Server) -> None:
    stores = s3.stores(tmp_path)
    _write(stores.upload_dir, "telecom/invoice-2024-09.csv")
    _write(stores.upload_dir, "colocation/invoice-2024-09.csv")
    store = store_of(UPLOAD, "telecom", {}, stores)
    assert files_of(store, "2024-09") == [
        CostFileRef(UPLOAD, "invoice-2024-09.csv", "invoice-2024-09.csv")
    ]


def test_a_bucket_lists_a_cur_layout_and_downloads_a_report_file(
    tmp_path: Path, s3: S3Server
) -> None:
    client: Any = s3.client()
    client.create_bucket(Bucket="billing")
    for key, content in CUR_LAYOUT.items():
        client.put_object(Bucket="billing", Key=key, Body=content)
    location = {"kind": S3, "bucket": "billing", "prefix": "cur/", "endpoint_url": s3.url}
    store = store_of(S3, "aws", location, s3.stores(tmp_path))

    found = files_of(store, "2024-09")

    assert [ref.key for ref in found] == [
        f"{MANIFEST_FOLDER}/new/daily-00001.csv.gz",
        f"{MANIFEST_FOLDER}/new/daily-00002.csv.gz",
    ]
    fetched = download(store, found[1], tmp_path / "work", lambda _: None)
    assert Path(fetched.path).read_bytes() == b"part two"
    assert fetched.sha256 == hashlib.sha256(b"part two").hexdigest()
    assert (fetched.name, fetched.size) == ("daily-00002.csv.gz", 8)


def test_a_large_file_is_copied_a_chunk_at_a_time_with_its_hash(tmp_path: Path) -> None:
    sample = gzipped(AWS_CUR_SAMPLE, tmp_path)
    content = sample.read_bytes() * (3 * CHUNK_BYTES // sample.stat().st_size + 1)
    _write(tmp_path / "watched", "aws/cur-2024-09.csv.gz", content)
    seen: list[int] = []

    fetched = download(
        FolderStore(tmp_path / "watched"),
        CostFileRef(FOLDER, "aws/cur-2024-09.csv.gz", "cur-2024-09.csv.gz"),
        tmp_path / "work",
        seen.append,
    )

    assert fetched.sha256 == hashlib.sha256(content).hexdigest()
    assert fetched.size == len(content) == seen[-1]
    assert (
        len(seen) > 3 and max(b - a for a, b in zip([0, *seen], seen, strict=False)) <= CHUNK_BYTES
    )
    assert Path(fetched.path) == tmp_path / "work" / fetched.sha256 / "cur-2024-09.csv.gz"
    assert [p.name for p in (tmp_path / "work").iterdir()] == [fetched.sha256]  # no leftovers


def test_a_missing_folder_or_a_key_outside_it_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MissingStore, match="does not exist"):
        files_of(FolderStore(tmp_path / "nowhere"), "2024-09")
    _write(tmp_path, "secret.csv")
    (tmp_path / "watched").mkdir()
    outside = CostFileRef(FOLDER, "../secret.csv", "secret.csv")
    with pytest.raises(MissingStore, match="outside the folder"):
        download(FolderStore(tmp_path / "watched"), outside, tmp_path / "work", lambda _: None)
