"""A cost file uploaded for a source: streamed to disk a chunk at a time (never whole in
memory, any size) while its sha256 is computed, checked (format and billing period from its
header and first row), then kept in the upload store under a key of its own.

Guarantees: a file that cannot be read, or is of another format than its source's, is
refused (``CostRefused`` naming file, row and column) and nothing of it is kept; the same
bytes uploaded twice are kept once, under the same key."""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from domain.costs.errors import CostFileError
from domain.costs.load_messages import CostFileRef
from services.costs.file_check import FileFacts, file_facts, is_wrong_format
from services.costs.refusals import CostRefused

UPLOAD_STORE = "upload"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
SUFFIXES = (".csv", ".csv.gz", ".parquet")


CHUNK_BYTES = 1 << 20


class ReadsChunks(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


async def upload_chunks(upload: ReadsChunks) -> AsyncIterator[bytes]:
    """An uploaded form file (spooled to disk by the form parser), a chunk at a time."""
    while chunk := await upload.read(CHUNK_BYTES):
        yield chunk


@dataclass(frozen=True)
class ReceivedFile:
    path: Path
    name: str
    sha256: str
    size: int


def safe_name(name: str) -> str:
    """The file's own name (no directory), with any other character than letters, digits,
    ``.``, ``_`` and ``-`` replaced; refused unless it ends as a cost file does."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).lstrip(".") or "upload"
    if not base.lower().endswith(SUFFIXES):
        raise CostRefused("unreadable_file", f"{base}: not a .csv, .csv.gz or .parquet file")
    return base


async def receive(chunks: AsyncIterator[bytes], root: Path, name: str) -> ReceivedFile:
    """Writes ``chunks`` to a new file in ``root``'s incoming folder (one chunk in memory at a
    time); ``root`` is the upload store's folder, whose sub-folders are the sources'."""
    file_name = safe_name(name)
    incoming = root / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    path = incoming / f"{uuid.uuid4().hex}-{file_name}"
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("wb") as out:
            async for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                await asyncio.to_thread(out.write, chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return ReceivedFile(path, file_name, digest.hexdigest(), size)


@dataclass(frozen=True)
class StoredUpload:
    ref: CostFileRef
    facts: FileFacts
    sha256: str
    size: int
    placed: Path | None  # the file this upload put in the store; None when it was there already


def keep(
    received: ReceivedFile,
    root: Path,
    source: str,
    source_format: str,
    column_mapping: Mapping[str, Any],
) -> StoredUpload:
    """Checks the received file and keeps it in the source's upload folder under the key
    ``<sha256>/<name>`` (the same bytes kept before are that file); a refused file is
    deleted."""
    try:
        facts = file_facts(received.path, received.name, source_format, column_mapping)
    except CostFileError as error:
        received.path.unlink(missing_ok=True)
        rule = "wrong_format" if is_wrong_format(error) else "unreadable_file"
        raise CostRefused(rule, str(error)) from error
    key = f"{received.sha256}/{received.name}"
    target = root / source / key
    target.parent.mkdir(parents=True, exist_ok=True)
    new = not target.exists()
    received.path.replace(target)
    ref = CostFileRef(store=UPLOAD_STORE, key=key, name=received.name)
    return StoredUpload(ref, facts, received.sha256, received.size, target if new else None)


def discard(received: ReceivedFile) -> None:
    """Deletes a received file that will not be kept."""
    received.path.unlink(missing_ok=True)
