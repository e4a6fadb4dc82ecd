"""Signed checkpoints of the audit trail's head, kept outside the database.

A checkpoint records the newest entry's sequence and hash and how many entries the trail held;
it is signed with HMAC-SHA256 under a secret the database does not hold. Whoever can rewrite the
table cannot forge a checkpoint, so removing the newest entries, or rewriting one and recomputing
its hash (which the chain alone cannot show), contradicts every checkpoint written since.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from domain.audit_chain import ChainBreak


@dataclass(frozen=True)
class Checkpoint:
    """The trail's head when it was written: entry ``sequence`` with ``hash``, ``entries`` in
    all up to it (0 and the genesis hash for an empty trail)."""

    sequence: int
    hash: str
    entries: int
    written_at: datetime

    def document(self) -> dict[str, object]:
        return asdict(self) | {"written_at": self.written_at.isoformat()}


@dataclass(frozen=True)
class HeadAt:
    """What the trail holds now at a checkpoint's sequence: the entry's hash (None when there is
    no such entry), the entries up to it, and the newest sequence of the whole trail."""

    hash: str | None
    entries: int
    last_sequence: int


def signature(checkpoint: Checkpoint, key: str) -> str:
    """HMAC-SHA256 over the checkpoint's canonical JSON."""
    canonical = json.dumps(checkpoint.document(), sort_keys=True, separators=(",", ":"))
    return hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def signed_by_any(checkpoint: Checkpoint, given: str, keys: Sequence[str]) -> bool:
    """Whether ``given`` is the checkpoint's signature under one of ``keys`` (current or
    rotated-out secrets)."""
    return any(hmac.compare_digest(signature(checkpoint, key), given) for key in keys)


def checkpoint_break(checkpoint: Checkpoint, now: HeadAt) -> ChainBreak | None:
    """How the trail contradicts ``checkpoint``, or None when it still holds what it recorded."""
    if checkpoint.sequence == 0:
        return None
    when = checkpoint.written_at.isoformat(timespec="seconds")
    if now.hash is None:
        ends = f"the trail ends at entry {now.last_sequence}" if now.last_sequence else "none left"
        return ChainBreak(
            checkpoint.sequence,
            f"missing: the checkpoint of {when} recorded it as the head ({ends}); "
            "entries were deleted",
        )
    if now.hash != checkpoint.hash:
        return ChainBreak(
            checkpoint.sequence,
            f"rewritten: its hash differs from the one the checkpoint of {when} recorded",
        )
    if now.entries != checkpoint.entries:
        return ChainBreak(
            checkpoint.sequence,
            f"{checkpoint.entries} entries up to it at the checkpoint of {when}, "
            f"{now.entries} now: entries before it were deleted or inserted",
        )
    return None
