"""Changes recorded in the same workflow task are projected in one activity: the read model takes
the newest view, each change keeps its own audit entry with the state it left, in order, and a
retried batch writes nothing twice."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.projection import ProjectionActivities
from domain.catalog import PoStatus
from domain.purchase_order import PoEvent, PoView, StateAfter
from models import AuditEntry, PurchaseOrder
from models.audit.trail import Verification, verify_audit_trail
from tests.builders.requisitions import laptops

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _event(view: PoView, sequence: int, action: str, state: StateAfter) -> PoEvent:
    return PoEvent(
        sequence=sequence,
        workflow_id=f"po-{view.po_number}",
        run_id="run-1",
        occurred_at=AT,
        action=action,
        actor="poflow",
        view=view,
        state_after=state,
    )


def test_changes_projected_together_keep_their_own_audit_state(
    sessions: sessionmaker[Session], session: Session
) -> None:
    view = PoView("PO-7001", 0, PoStatus.REFUSED, laptops())  # the view at the end of the task
    validating = StateAfter(PoStatus.VALIDATING, None, [], 0)
    refused = StateAfter.of(view)
    batch = [
        _event(view, 1, "requisition.submitted", validating),
        _event(view, 2, "requisition.refused", refused),
    ]
    activities = ProjectionActivities(sessions)
    environment = ActivityEnvironment()
    environment.run(activities.project_po_events, batch)
    environment.run(activities.project_po_events, batch)  # the retry

    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == "PO-7001").order_by(AuditEntry.sequence)
    ).all()
    assert [(e.action, e.after and e.after["status"]) for e in entries] == [
        ("requisition.submitted", "validating"),
        ("requisition.refused", "refused"),
    ]
    row = session.get(PurchaseOrder, "PO-7001")
    assert row is not None and row.status is PoStatus.REFUSED and row.last_event_sequence == 2
    assert verify_audit_trail(session) == Verification(2, [])
