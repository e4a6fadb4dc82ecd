"""Changes recorded in the same workflow task are projected in one activity: the read model takes
the newest view, each change keeps its own audit entry with the state it left, in order, and a
retried batch writes nothing twice; the read model holds the id of the contract the requisition
names."""

from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.projection import ProjectionActivities
from domain.catalog import PoStatus, VendorStatus
from domain.purchase_order import PoEvent, PoView, StateAfter
from models import AuditEntry, Contract, PurchaseOrder, Vendor
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


def test_the_read_model_holds_the_contract_the_requisition_names(
    sessions: sessionmaker[Session], session: Session
) -> None:
    vendor = Vendor(name="Contoso Hardware", status=VendorStatus.APPROVED, country="DE")
    session.add(vendor)
    session.flush()
    contract = Contract(
        vendor_id=vendor.id, reference="MSA-CH-7", title="Hardware", start_date=date(2026, 1, 1)
    )
    session.add(contract)
    session.flush()
    requisition = replace(laptops(), vendor=vendor.name, contract=contract.reference)
    view = PoView("PO-7002", 0, PoStatus.PENDING_APPROVAL, requisition)
    submitted = _event(view, 1, "requisition.submitted", StateAfter.of(view))
    ActivityEnvironment().run(ProjectionActivities(sessions).project_po_events, [submitted])
    row = session.get(PurchaseOrder, "PO-7002")
    assert row is not None and row.contract_id == contract.id
