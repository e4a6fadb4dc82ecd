"""Appending to the hash-chained audit trail, retries, and proving it untampered."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.audit_chain import GENESIS_HASH, AuditEvent
from models.audit_trail import append_audit_entry, verify_audit_trail

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
    first = append_audit_entry(session, _event(1))
    second = append_audit_entry(session, _event(2))
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert verify_audit_trail(session) == (2, None)


def test_a_retried_append_writes_nothing_twice(session: Session) -> None:
    first = append_audit_entry(session, _event(1))
    again = append_audit_entry(session, _event(1))
    assert again.sequence == first.sequence
    assert verify_audit_trail(session)[0] == 1


def test_tampering_behind_poflows_back_is_detected(session: Session) -> None:
    for number in range(1, 4):
        append_audit_entry(session, _event(number))
    # Someone with owner rights switches the guard off and rewrites who decided.
    session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
    session.execute(
        text("UPDATE audit_log SET actor = 'mallory' WHERE idempotency_key = 'po-7:event:2'")
    )
    session.expire_all()
    count, found = verify_audit_trail(session)
    assert count == 3
    assert found is not None and "content" in found.reason
