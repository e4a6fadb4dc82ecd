"""Audit checkpoints as signed JSON files in a directory (a mounted volume or a synced folder
outside the database's reach; an object store can take the same documents later)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from domain.audit_checkpoint import Checkpoint, signature, signed_by_any


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint file as read back: the checkpoint when its signature holds, else why not."""

    name: str
    checkpoint: Checkpoint | None
    problem: str | None = None


class CheckpointDirectory:
    """Writes each checkpoint to its own file (never overwriting another) and reads them back
    with their signatures checked."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def write(self, checkpoint: Checkpoint, key: str) -> Path:
        """The file written: ``audit-checkpoint-<time>-<sequence>.json``, moved into place whole."""
        self._directory.mkdir(parents=True, exist_ok=True)
        stamp = checkpoint.written_at.strftime("%Y%m%dT%H%M%S%fZ")
        path = self._directory / f"audit-checkpoint-{stamp}-{checkpoint.sequence}.json"
        document = checkpoint.document() | {"signature": signature(checkpoint, key)}
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps(document, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(partial, path)
        return path

    def read_all(self, keys: list[str]) -> list[StoredCheckpoint]:
        """Every checkpoint file, oldest first; none when the directory does not exist."""
        if not self._directory.is_dir():
            return []
        return [
            _read(path, keys) for path in sorted(self._directory.glob("audit-checkpoint-*.json"))
        ]


def _read(path: Path, keys: list[str]) -> StoredCheckpoint:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        checkpoint = Checkpoint(
            sequence=int(document["sequence"]),
            hash=str(document["hash"]),
            entries=int(document["entries"]),
            written_at=datetime.fromisoformat(str(document["written_at"])),
        )
        given = str(document["signature"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        return StoredCheckpoint(path.name, None, f"unreadable ({error})")
    if not signed_by_any(checkpoint, given, keys):
        return StoredCheckpoint(
            path.name, None, "signature does not match: forged, altered, or signed with another key"
        )
    return StoredCheckpoint(path.name, checkpoint)
