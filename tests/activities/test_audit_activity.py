"""The audit activity appends exactly once per idempotency key, even when retried."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.audit import AuditActivities
from domain.audit_chain import AuditEvent
from models.audit.trail import Verification, verify_audit_trail


def test_a_retried_activity_records_the_event_once(
    sessions: sessionmaker[Session], session: Session
) -> None:
    event = AuditEvent(
        occurred_at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        actor="alex",
        action="requisition.submitted",
        entity_type="purchase_order",
        entity_id="PO-1001",
        idempotency_key="po-1001:1",
        workflow_id="po-1001",
    )
    activities = AuditActivities(sessions)
    environment = ActivityEnvironment()
    first = environment.run(activities.record_audit_event, event)
    retried = environment.run(activities.record_audit_event, event)
    assert retried == first
    assert verify_audit_trail(session) == Verification(1, [])
