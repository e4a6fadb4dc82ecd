"""Appending to the audit trail and proving it untampered."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from domain.audit_chain import (
    GENESIS_HASH,
    AuditEvent,
    ChainBreak,
    ChainedEntry,
    chain_breaks,
    entry_hash,
)
from domain.audit_checkpoint import Checkpoint, HeadAt, checkpoint_break
from models.audit.entries import AuditEntry

# One advisory lock serialises appends so that each entry links to the true last one.
_AUDIT_APPEND_LOCK = 7_301_001


def append_audit_entry(session: Session, event: AuditEvent) -> AuditEntry:
    """Append ``event`` to the chain, or return the entry already written under its key."""
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_APPEND_LOCK})
    existing = session.scalar(
        select(AuditEntry).where(AuditEntry.idempotency_key == event.idempotency_key)
    )
    if existing is not None:
        return existing
    previous = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.sequence.desc()).limit(1))
    entry = AuditEntry(
        occurred_at=event.occurred_at,
        actor=event.actor,
        on_behalf_of=event.on_behalf_of,
        action=event.action,
        entity_type=event.entity_type,
        entity_id=event.entity_id,
        before=event.before,
        after=event.after,
        workflow_id=event.workflow_id,
        run_id=event.run_id,
        idempotency_key=event.idempotency_key,
        previous_hash=previous or GENESIS_HASH,
    )
    entry.hash = entry_hash(entry.previous_hash, entry.chained_content())
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    """The entries walked, and every break found, in sequence order."""

    entries: int
    breaks: list[ChainBreak]

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify_audit_trail(session: Session, checkpoints: Sequence[Checkpoint] = ()) -> Verification:
    """Walk the whole trail in order: every entry whose link or hash does not hold, then every
    checkpoint the trail contradicts (newest entries deleted, or rewritten with their hashes
    recomputed)."""
    anchors = {checkpoint.sequence for checkpoint in checkpoints}
    at_anchor: dict[int, tuple[str, int]] = {}
    walked = 0

    def chained() -> Iterator[ChainedEntry]:
        nonlocal walked
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.sequence)).yield_per(1000)
        for row in rows:
            walked += 1
            if row.sequence in anchors:
                at_anchor[row.sequence] = (row.hash, walked)
            yield ChainedEntry(row.sequence, row.chained_content(), row.previous_hash, row.hash)

    breaks = list(chain_breaks(chained()))
    last = session.scalar(select(func.max(AuditEntry.sequence))) or 0
    for checkpoint in sorted(checkpoints, key=lambda c: (c.sequence, c.written_at)):
        found_hash, entries = at_anchor.get(checkpoint.sequence, (None, 0))
        found = checkpoint_break(checkpoint, HeadAt(found_hash, entries, last))
        if found is not None and found not in breaks:
            breaks.append(found)
    return Verification(walked, breaks)


def audit_head(session: Session, now: datetime) -> Checkpoint:
    """The trail's newest entry and how many it holds, as a checkpoint taken at ``now``."""
    total = select(func.count()).select_from(AuditEntry).scalar_subquery()
    newest = session.execute(  # one statement, so the count and the head agree
        select(AuditEntry.sequence, AuditEntry.hash, total)
        .order_by(AuditEntry.sequence.desc())
        .limit(1)
    ).first()
    if newest is None:
        return Checkpoint(0, GENESIS_HASH, 0, now)
    sequence, head_hash, count = newest
    return Checkpoint(sequence, head_hash, count, now)
