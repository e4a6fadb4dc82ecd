"""Writing the audit trail from workflows."""

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.audit_chain import AuditEvent
from models.audit_trail import append_audit_entry
from models.db import unit_of_work


@dataclass(frozen=True)
class AuditReceipt:
    sequence: int
    hash: str


class AuditActivities:
    """Appends events to the hash-chained audit trail, exactly once per idempotency key."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @activity.defn(name="record_audit_event")
    def record_audit_event(self, event: AuditEvent) -> AuditReceipt:
        with unit_of_work(self._sessions) as session:
            entry = append_audit_entry(session, event)
            return AuditReceipt(sequence=entry.sequence, hash=entry.hash)
