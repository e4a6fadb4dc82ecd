"""The hash chain that makes the audit trail tamper-evident.

Each entry's hash covers its own canonical content and the previous entry's hash, so changing,
removing or reordering any entry breaks every hash after it.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    """Something that happened, by whom, to what; ``idempotency_key`` makes a retry a no-op."""

    occurred_at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    idempotency_key: str
    on_behalf_of: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    workflow_id: str | None = None
    run_id: str | None = None


def entry_hash(previous_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's content as canonical JSON."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainedEntry:
    sequence: int
    content: Mapping[str, Any]
    previous_hash: str
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str


def first_break(entries: Iterable[ChainedEntry]) -> ChainBreak | None:
    """The first entry (in sequence order) whose links or hash do not hold, or None if all do."""
    expected_previous = GENESIS_HASH
    for entry in entries:
        if entry.previous_hash != expected_previous:
            return ChainBreak(entry.sequence, "previous hash does not match the entry before it")
        if entry_hash(entry.previous_hash, entry.content) != entry.hash:
            return ChainBreak(entry.sequence, "content does not match its hash")
        expected_previous = entry.hash
    return None
