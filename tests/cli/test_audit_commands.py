"""`poflow audit checkpoint` and `poflow audit verify` on a database of their own: the app's role
writes the trail, someone with the owner's rights tampers with it behind poflow's back (triggers
off), and verify names every break in one run and exits 1."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent, entry_hash
from models.audit.entries import AuditEntry
from models.audit.trail import append_audit_entry
from models.db import build_engine
from tests.builders.processes import clean_environment, run_cli
from tests.conftest import app_role_url, fresh_database

SECRET = "checkpoint-secret-" + "k" * 24
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def owner_url(postgres_admin_url: str) -> str:
    return fresh_database(postgres_admin_url, "poflow_audit_cli_test")


@pytest.fixture(scope="module")
def app_engine(owner_url: str) -> Iterator[Engine]:
    engine = build_engine(app_role_url(owner_url), pool_size=1)
    yield engine
    engine.dispose()


def audit(args: list[str], owner_url: str, folder: Path) -> subprocess.CompletedProcess[str]:
    env = clean_environment(
        DATABASE_URL=app_role_url(owner_url),
        POFLOW_SECRET_KEY=SECRET,
        POFLOW_AUDIT_CHECKPOINT_DIR=str(folder / "checkpoints"),
    )
    return run_cli(["audit", *args], env, folder)


def _append(engine: Engine, numbers: range) -> list[int]:
    with Session(engine) as session, session.begin():
        return [
            append_audit_entry(
                session,
                AuditEvent(
                    occurred_at=START + timedelta(minutes=n),
                    actor="priya",
                    action="decision.approve",
                    entity_type="purchase_order",
                    entity_id="PO-9",
                    idempotency_key=f"po-PO-9:{n}",
                ),
            ).sequence
            for n in numbers
        ]


def _tamper(owner_url: str, deleted: list[int], rehashed: int, altered: int) -> None:
    """As the owner, triggers off: delete, rewrite with the hash recomputed, and rewrite."""
    engine = build_engine(owner_url, pool_size=1)
    with Session(engine) as session, session.begin():
        session.execute(text("SET LOCAL session_replication_role = replica"))
        for sequence in deleted:
            session.delete(session.get_one(AuditEntry, sequence))
        for sequence, rehash in ((rehashed, True), (altered, False)):
            entry = session.get_one(AuditEntry, sequence)
            entry.actor = "mallory"
            if rehash:
                entry.hash = entry_hash(entry.previous_hash, entry.chained_content())
    engine.dispose()


def test_verify_reports_every_break_the_chain_and_the_checkpoints_show(
    owner_url: str, app_engine: Engine, tmp_path: Path
) -> None:
    first = _append(app_engine, range(1, 6))
    written = audit(["checkpoint"], owner_url, tmp_path)
    assert written.returncode == 0, written.stderr
    assert f"checkpoint of entry {first[-1]} (5 entries)" in written.stdout
    later = _append(app_engine, range(6, 9))
    assert audit(["checkpoint"], owner_url, tmp_path).returncode == 0
    intact = audit(["verify"], owner_url, tmp_path)
    assert intact.returncode == 0, intact.stderr
    assert "audit trail intact: 8 entries verified (against 2 signed checkpoint(s)" in intact.stdout

    _tamper(owner_url, deleted=later, rehashed=first[4], altered=first[2])
    broken = audit(["verify"], owner_url, tmp_path)

    assert broken.returncode == 1
    lines = broken.stderr.splitlines()
    assert [line.split(":")[0:2] for line in lines[:3]] == [
        [f"entry {first[2]}", " content altered"],
        [f"entry {first[4]}", " rewritten"],
        [f"entry {later[-1]}", " missing"],
    ]
    assert lines[3].startswith("audit trail BROKEN: 3 problem(s) in 5 entries")


def test_a_forged_checkpoint_is_reported(
    owner_url: str, app_engine: Engine, tmp_path: Path
) -> None:
    _append(app_engine, range(100, 102))
    assert audit(["checkpoint"], owner_url, tmp_path).returncode == 0
    (path,) = (tmp_path / "checkpoints").glob("audit-checkpoint-*.json")
    document = json.loads(path.read_text())
    with Session(app_engine) as session:
        older = session.scalars(select(AuditEntry).order_by(AuditEntry.sequence)).first()
    assert older is not None
    path.write_text(json.dumps(document | {"sequence": older.sequence, "hash": older.hash}))

    verified = audit(["verify"], owner_url, tmp_path)

    assert verified.returncode == 1
    assert f"checkpoint {path.name}: signature does not match" in verified.stderr
