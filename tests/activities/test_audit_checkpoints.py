"""The worker anchors the audit trail's head: a signed checkpoint file at start, and another
each turn the head has moved; the trail verifies against them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from activities.audit import AuditCheckpoints
from adapters.checkpoint_files import CheckpointDirectory
from domain.audit_chain import AuditEvent
from models.audit.trail import append_audit_entry, verify_audit_trail
from models.db import unit_of_work
from worker import write_audit_checkpoints

KEY = "worker-checkpoint-key-" + "x" * 20


async def _files(folder: Path, count: int) -> list[Path]:
    for _ in range(200):
        found = await asyncio.to_thread(lambda: sorted(folder.glob("audit-checkpoint-*.json")))
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"{count} checkpoint(s) never written to {folder}")


async def test_the_worker_writes_a_signed_checkpoint_of_the_head(
    demo_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    directory = CheckpointDirectory(tmp_path)
    writer = AuditCheckpoints(demo_sessions, directory, KEY)
    anchoring = asyncio.create_task(write_audit_checkpoints(writer, minutes=60))
    try:
        await _files(tmp_path, 1)
    finally:
        anchoring.cancel()

    (stored,) = directory.read_all([KEY])
    assert stored.checkpoint is not None and stored.problem is None
    with demo_sessions() as session:
        assert verify_audit_trail(session, [stored.checkpoint]).intact
    assert directory.read_all(["another-key"])[0].problem is not None
    assert writer.write_if_moved() is None  # the head has not moved: nothing new

    with unit_of_work(demo_sessions) as session:
        entry = append_audit_entry(
            session,
            AuditEvent(
                datetime.now(UTC),
                "poflow",
                "test.anchored",
                "test",
                tmp_path.name,
                f"anchor-test:{tmp_path.name}",
            ),
        )
    moved = writer.write_if_moved()
    assert moved is not None and moved[0].sequence == entry.sequence
