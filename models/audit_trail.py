"""Appending to the audit trail and proving it untampered."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from domain.audit_chain import (
    GENESIS_HASH,
    AuditEvent,
    ChainBreak,
    ChainedEntry,
    entry_hash,
    first_break,
)
from models.audit import AuditEntry

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


def verify_audit_trail(session: Session) -> tuple[int, ChainBreak | None]:
    """Walk the whole trail in order; return how many entries it holds and the first break."""
    count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.sequence)).yield_per(1000)
    chained = (
        ChainedEntry(row.sequence, row.chained_content(), row.previous_hash, row.hash)
        for row in rows
    )
    return count, first_break(chained)
