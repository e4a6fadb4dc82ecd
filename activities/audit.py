"""Writing the audit trail from workflows, and its signed checkpoints."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from adapters.checkpoint_files import CheckpointDirectory
from domain.audit_chain import AuditEvent
from domain.audit_checkpoint import Checkpoint
from domain.temporal_names import Activity
from models.audit.trail import append_audit_entry, audit_head, verify_audit_trail
from models.db import unit_of_work


@dataclass(frozen=True)
class AuditReceipt:
    sequence: int
    hash: str


class AuditActivities:
    """Appends events to the hash-chained audit trail, exactly once per idempotency key."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @activity.defn(name=Activity.RECORD_AUDIT_EVENT)
    def record_audit_event(self, event: AuditEvent) -> AuditReceipt:
        with unit_of_work(self._sessions) as session:
            entry = append_audit_entry(session, event)
            return AuditReceipt(sequence=entry.sequence, hash=entry.hash)


@dataclass(frozen=True)
class TrailCheck:
    """The audit trail verified against its signed checkpoints: entries walked, checkpoints
    used, and every problem found (a broken entry, an unreadable or forged checkpoint)."""

    entries: int
    checkpoints: int
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


def check_audit_trail(
    session: Session, directory: CheckpointDirectory, keys: list[str]
) -> TrailCheck:
    """Every entry's hash and link, and the trail against every checkpoint in ``directory``
    signed by one of ``keys``; for ``poflow audit verify`` and the auditor's page."""
    stored = directory.read_all(keys)
    checkpoints = [s.checkpoint for s in stored if s.checkpoint is not None]
    result = verify_audit_trail(session, checkpoints)
    problems = [f"entry {found.sequence}: {found.reason}" for found in result.breaks]
    problems += [f"checkpoint {s.name}: {s.problem}" for s in stored if s.problem]
    return TrailCheck(result.entries, len(checkpoints), problems)


class AuditCheckpoints:
    """Writes signed checkpoints of the trail's head outside the database (see
    ``domain.audit_checkpoint``): the worker every few minutes, ``poflow audit checkpoint`` on
    demand."""

    def __init__(
        self, sessions: sessionmaker[Session], directory: CheckpointDirectory, key: str
    ) -> None:
        self._sessions = sessions
        self._directory = directory
        self._key = key

        self._last: Checkpoint | None = None

    def write_checkpoint(self) -> tuple[Checkpoint, Path]:
        """A checkpoint of the head now, written to its own file."""
        with self._sessions() as session:
            head = audit_head(session, datetime.now(UTC))
        path = self._directory.write(head, self._key)
        self._last = head
        return head, path

    def write_if_moved(self) -> tuple[Checkpoint, Path] | None:
        """A checkpoint unless the head is the one this writer anchored last."""
        with self._sessions() as session:
            head = audit_head(session, datetime.now(UTC))
        last = self._last
        if last is not None and (last.sequence, last.hash) == (head.sequence, head.hash):
            return None
        return self.write_checkpoint()
