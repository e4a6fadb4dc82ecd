"""The hash chain that makes the audit trail tamper-evident.

Each entry's hash covers its own canonical content and the previous entry's hash, so changing,
removing or reordering any entry breaks the link of the entry after it. What the chain alone
cannot show (the newest entries removed, or the newest rewritten with its hash recomputed) the
signed checkpoints of ``domain.audit_checkpoint`` show.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
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
    """An entry (by sequence) whose link, hash or anchoring does not hold, and what is wrong."""

    sequence: int
    reason: str


def chain_breaks(entries: Iterable[ChainedEntry]) -> Iterator[ChainBreak]:
    """Every entry (in sequence order) whose link to the entry before it or whose own hash does
    not hold. Each entry is judged against the stored hash of the one before, so one altered or
    removed entry is one break, and every other break is reported too."""
    expected_previous, previous_sequence = GENESIS_HASH, 0
    for entry in entries:
        if entry.previous_hash != expected_previous:
            before = f"entry {previous_sequence}" if previous_sequence else "the start of the trail"
            yield ChainBreak(
                entry.sequence,
                f"link broken: its previous hash does not match {before} "
                "(an entry between them was removed, or the one before was rewritten)",
            )
        if entry_hash(entry.previous_hash, entry.content) != entry.hash:
            yield ChainBreak(entry.sequence, "content altered: it does not match its hash")
        expected_previous, previous_sequence = entry.hash, entry.sequence
