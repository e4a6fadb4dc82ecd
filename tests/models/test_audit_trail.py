"""Appending to the hash-chained audit trail, retries, what the app's role may not do to it, and
proving it untampered: every break in one run, and what only the signed checkpoints show."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from domain.audit_chain import GENESIS_HASH, AuditEvent, entry_hash
from models.audit.entries import AuditEntry
from models.audit.trail import Verification, append_audit_entry, audit_head, verify_audit_trail

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _event(number: int, **changes: object) -> AuditEvent:
    fields: dict[str, object] = {
        "occurred_at": START + timedelta(minutes=number),
        "actor": "priya",
        "action": "tier.approved",
        "entity_type": "purchase_order",
        "entity_id": "PO-7",
        "idempotency_key": f"po-7:event:{number}",
        "on_behalf_of": "tom",
        "before": {"status": "pending_approval"},
        "after": {"status": "approved", "amount_minor": 123_456},
        "workflow_id": "po-7",
        "run_id": "run-1",
    }
    fields.update(changes)
    return AuditEvent(**fields)  # type: ignore[arg-type]


def test_each_entry_links_to_the_one_before(session: Session) -> None:
    before = verify_audit_trail(session).entries
    first = append_audit_entry(session, _event(1))
    second = append_audit_entry(session, _event(2))
    assert second.previous_hash == first.hash
    assert verify_audit_trail(session) == Verification(before + 2, [])


def test_the_first_entry_links_to_the_genesis_hash(owner_session: Session) -> None:
    owner_session.execute(text("SET LOCAL session_replication_role = replica"))
    owner_session.execute(text("DELETE FROM audit_log"))
    assert append_audit_entry(owner_session, _event(1)).previous_hash == GENESIS_HASH


def test_a_retried_append_writes_nothing_twice(session: Session) -> None:
    first = append_audit_entry(session, _event(1))
    again = append_audit_entry(session, _event(1))
    assert again.sequence == first.sequence


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "SET session_replication_role = replica",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "UPDATE ledger_entries SET reserved_delta_minor = 0",
        "DELETE FROM budget_lines",
    ],
)
def test_the_apps_role_cannot_change_history_nor_switch_its_guards_off(
    session: Session, statement: str
) -> None:
    append_audit_entry(session, _event(1))
    refused = r"permission denied|must be owner"
    with pytest.raises(DBAPIError, match=refused), session.begin_nested():
        session.execute(text(statement))


def _rewrite(session: Session, entry: AuditEntry, actor: str, *, rehash: bool) -> None:
    """What someone with the owner's rights can do once the triggers are off."""
    entry.actor = actor
    if rehash:
        entry.hash = entry_hash(entry.previous_hash, entry.chained_content())
    session.flush()


def test_every_break_is_reported_in_one_run(owner_session: Session) -> None:
    entries = [append_audit_entry(owner_session, _event(n)) for n in range(1, 6)]
    at_fifth = audit_head(owner_session, START + timedelta(hours=1))
    entries += [append_audit_entry(owner_session, _event(n)) for n in range(6, 9)]
    at_eighth = audit_head(owner_session, START + timedelta(hours=2))
    assert verify_audit_trail(owner_session, [at_fifth, at_eighth]).intact

    # Triggers off, as a superuser can: the newest 3 removed, the new newest entry's actor
    # rewritten with its hash recomputed, and an entry in the middle rewritten.
    owner_session.execute(text("SET LOCAL session_replication_role = replica"))
    for entry in entries[5:]:
        owner_session.delete(entry)
    _rewrite(owner_session, entries[4], "mallory", rehash=True)
    _rewrite(owner_session, entries[2], "mallory", rehash=False)
    owner_session.expire_all()

    # The chain alone sees only the middle entry; the checkpoints see the rest.
    assert [b.sequence for b in verify_audit_trail(owner_session).breaks] == [entries[2].sequence]
    found = verify_audit_trail(owner_session, [at_fifth, at_eighth]).breaks
    assert [(b.sequence, b.reason.split(":")[0]) for b in found] == [
        (entries[2].sequence, "content altered"),
        (entries[4].sequence, "rewritten"),
        (entries[7].sequence, "missing"),
    ]
    assert f"the trail ends at entry {entries[4].sequence}" in found[2].reason


def test_a_removed_middle_entry_breaks_the_link_of_the_next(owner_session: Session) -> None:
    entries = [append_audit_entry(owner_session, _event(n)) for n in range(1, 4)]
    owner_session.execute(text("SET LOCAL session_replication_role = replica"))
    owner_session.delete(entries[1])
    owner_session.flush()
    found = verify_audit_trail(owner_session).breaks
    assert [(b.sequence, b.reason.split(":")[0]) for b in found] == [
        (entries[2].sequence, "link broken")
    ]
