"""The stores cost files wait in, behind one small port: the upload folder (files streamed in by
the API, under ``<upload dir>/<source>/``), a watched folder, and an S3-compatible bucket. Each
lists its keys and opens one as a stream; what a billing period's files are and how one reaches
the worker's disk is the same for all of them (``period_files``, ``download``)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, closing, contextmanager
from pathlib import Path
from typing import Any, Protocol

import boto3
from botocore.config import Config

from adapters.costs import period_files as by_period
from adapters.costs.cur_manifest import parse_cur_manifest
from domain.costs.load_messages import CostFileRef, FetchedFile
from settings.cost_files import CostFileStores

UPLOAD, FOLDER, S3 = "upload", "folder", "s3"
CHUNK_BYTES = 1 << 20  # what one read of a stream holds in memory
MANIFEST_MAX_BYTES = 16 << 20


class ByteStream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class CostFileStore(Protocol):
    """Where cost files wait: ``kind`` is ``upload``, ``folder`` or ``s3``."""

    kind: str

    def keys(self) -> Iterator[str]:
        """Every key in the store, in no promised order."""
        ...

    def open(self, key: str) -> AbstractContextManager[ByteStream]:
        """The file at ``key`` as a stream; ``FileNotFoundError`` when there is none."""
        ...


class MissingStore(LookupError):
    """The folder or bucket a source names does not exist, or refuses poflow's credentials."""


class FolderStore:
    """Files under ``root``; a key is a path relative to it and never leaves it."""

    def __init__(self, root: Path, kind: str = FOLDER) -> None:
        self.root, self.kind = root, kind

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            raise MissingStore(f"the folder {self.root} does not exist")
        for path in sorted(self.root.rglob("*")):
            if path.is_file():
                yield path.relative_to(self.root).as_posix()

    @contextmanager
    def open(self, key: str) -> Iterator[ByteStream]:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise MissingStore(f"{key!r} is outside the folder {self.root}")
        with path.open("rb") as stream:
            yield stream


class S3Store:
    """Objects of ``bucket`` under ``prefix``; a key is the object's whole key."""

    kind = S3

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self._client, self.bucket, self.prefix = client, bucket, prefix

    def keys(self) -> Iterator[str]:
        pages = self._client.get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", ()):
                yield str(item["Key"])

    @contextmanager
    def open(self, key: str) -> Iterator[ByteStream]:
        answer = self._client.get_object(Bucket=self.bucket, Key=key)
        with closing(answer["Body"]) as body:
            yield body


def s3_client(stores: CostFileStores, endpoint_url: str | None = None) -> Any:
    """A boto3 S3 client with the settings' credentials (or boto3's own chain when unset); its
    own retries are few, Temporal's retry policy waits out a longer outage."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url or stores.s3_endpoint_url,
        region_name=stores.s3_region,
        aws_access_key_id=stores.s3_access_key_id,
        aws_secret_access_key=stores.s3_secret_access_key,
        config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 2}),
    )


def store_of(
    kind: str, source: str, location: Mapping[str, Any], stores: CostFileStores
) -> CostFileStore:
    """The store of ``kind`` for ``source``: its uploads, or the location it is configured with."""
    if kind == UPLOAD:
        return FolderStore(stores.upload_dir / source, UPLOAD)
    if kind != location.get("kind"):
        raise MissingStore(f"the source {source} has no {kind} location")
    if kind == FOLDER:
        return FolderStore(Path(str(location["path"])))
    if kind == S3:
        client = s3_client(stores, location.get("endpoint_url"))
        return S3Store(client, str(location["bucket"]), str(location.get("prefix") or ""))
    raise MissingStore(f"unknown location kind {kind!r}")


def files_of(store: CostFileStore, billing_period: str) -> list[CostFileRef]:
    """The billing period's cost files in ``store`` (see ``period_files``)."""
    keys = by_period.period_files(
        store.keys(), billing_period, lambda key: _report_keys(store, key)
    )
    return [CostFileRef(store.kind, key, by_period.display_name(key)) for key in keys]


def _report_keys(store: CostFileStore, manifest_key: str) -> tuple[str, ...]:
    with store.open(manifest_key) as stream:
        text = stream.read(MANIFEST_MAX_BYTES).decode("utf-8")
    return parse_cur_manifest(by_period.display_name(manifest_key), text).report_keys


def download(
    store: CostFileStore, ref: CostFileRef, work_dir: Path, progress: Callable[[int], None]
) -> FetchedFile:
    """Copy the file to ``work_dir/<sha256>/<name>``, a chunk at a time, hashing as it goes;
    ``progress`` hears the bytes copied so far after each chunk. A file already there under the
    same hash is kept as it is."""
    work_dir.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=work_dir, prefix=".fetch-", delete=False) as copy:
        try:
            with store.open(ref.key) as stream:
                while chunk := stream.read(CHUNK_BYTES):
                    digest.update(chunk)
                    copy.write(chunk)
                    size += len(chunk)
                    progress(size)
        except BaseException:
            os.unlink(copy.name)
            raise
    sha256 = digest.hexdigest()
    target = work_dir / sha256 / Path(ref.name).name
    target.parent.mkdir(exist_ok=True)
    os.replace(copy.name, target)
    return FetchedFile(str(target), ref.name, sha256, size)
