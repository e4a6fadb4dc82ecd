"""Projecting every PO state change into the read model and the audit trail, exactly once."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, sessionmaker
from temporalio import activity

from domain.audit_chain import AuditEvent
from domain.chain import DecisionRecord
from domain.purchase_order import PoEvent
from domain.temporal_names import Activity
from models import (
    ApprovalDecision,
    Contract,
    CostCenter,
    EmergencyException,
    PurchaseOrder,
    User,
    Vendor,
)
from models.audit.trail import append_audit_entry
from models.db import unit_of_work
from models.purchase_orders.milestone_decisions import record_milestone_decision
from models.purchase_orders.receipts import record_receipt
from models.purchase_orders.records import view_document


class ProjectionActivities:
    """Keyed by workflow id + change sequence: a retried projection writes nothing twice, and an
    older change never overwrites a newer one."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @activity.defn(name=Activity.PROJECT_PO_CHANGES)
    def project_po_events(self, events: list[PoEvent]) -> None:
        """Events recorded together, in one transaction: the read model takes the newest view,
        and each event gets its decision row and audit entry, in order."""
        with unit_of_work(self._sessions) as session:
            _upsert_read_model(session, max(events, key=lambda event: event.sequence))
            for event in events:
                key = f"{event.workflow_id}:{event.sequence}"
                if event.decision is not None:
                    _record_decision(session, event, event.decision, key)
                if event.receipt is not None:
                    view = event.view
                    record_receipt(session, view.po_number, view.revision, event.receipt, key)
                if event.milestone_decision is not None:
                    view, decided = event.view, event.milestone_decision
                    record_milestone_decision(session, view.po_number, view.revision, decided, key)
                append_audit_entry(session, _audit_event(event, key))

    @activity.defn(name=Activity.RECORD_EMERGENCY_EXCEPTION)
    def record_emergency_exception(self, event: PoEvent) -> None:
        view, requisition = event.view, event.view.requisition
        with unit_of_work(self._sessions) as session:
            if (
                session.get(EmergencyException, view.po_number) is None
                and view.emergency_post_facto_due
            ):
                session.add(
                    EmergencyException(
                        po_number=view.po_number,
                        justification=requisition.emergency_justification or "",
                        incident_ref=requisition.incident_ref or requisition.change_ticket,
                        approved_by=event.actor,
                        post_facto_due=view.emergency_post_facto_due,
                    )
                )


def _upsert_read_model(session: Session, event: PoEvent) -> None:
    view, requisition = event.view, event.view.requisition
    # The JSON detail is replaced, never read: it is not loaded.
    row = session.get(
        PurchaseOrder, view.po_number, with_for_update=True, options=[defer(PurchaseOrder.detail)]
    )
    if row is not None and row.last_event_sequence >= event.sequence:
        return
    # Looked up before a new row joins the session (a query would flush it half-filled).
    ids = _ids_unless_known(session, row, event)
    if row is None:
        row = PurchaseOrder(po_number=view.po_number, workflow_id=event.workflow_id)
        session.add(row)
    if ids is not None:
        row.requester_id, row.cost_center_id, row.vendor_id, row.contract_id = ids
    row.revision = view.revision
    row.status = view.status
    row.title = requisition.title
    row.requester, row.cost_center, row.vendor = (
        requisition.requester,
        requisition.cost_center,
        requisition.vendor,
    )
    row.service_type = requisition.service_type
    row.amount_minor, row.currency = requisition.amount().minor, requisition.currency
    row.amount_base_minor, row.base_currency = view.amount_base_minor, view.base_currency
    row.rate_date, row.is_emergency = view.rate_date, requisition.emergency
    row.policy_id, row.policy_version = view.policy_id, view.policy_version
    row.current_tier, row.current_approvers = view.current_tier(), view.waiting_on()
    row.tier_deadline, row.itsm_ticket = view.next_deadline(), requisition.itsm_ticket
    row.erp_reference, row.detail = view.erp_reference, view_document(view)
    row.last_event_sequence, row.updated_at = event.sequence, event.occurred_at
    session.flush()


def _ids_unless_known(
    session: Session, row: PurchaseOrder | None, event: PoEvent
) -> tuple[int | None, ...] | None:
    """The requester's, cost center's, vendor's and contract's ids; None when the row holds them
    already for the same names (a requisition keeps its contract)."""
    requisition = event.view.requisition
    names = (requisition.requester, requisition.cost_center, requisition.vendor)
    if (
        row is not None
        and row.requester_id is not None
        and (row.requester, row.cost_center, row.vendor) == names
        and (requisition.contract is None or row.contract_id is not None)
    ):
        return None
    return _read_model_ids(session, event)


def _read_model_ids(session: Session, event: PoEvent) -> tuple[int | None, ...]:
    requisition = event.view.requisition
    return (
        _id(session, User.id, User.username == requisition.requester),
        _id(session, CostCenter.id, CostCenter.code == requisition.cost_center),
        _id(session, Vendor.id, Vendor.name == requisition.vendor),
        _id(session, Contract.id, Contract.reference == requisition.contract)
        if requisition.contract
        else None,
    )


def _record_decision(session: Session, event: PoEvent, record: DecisionRecord, key: str) -> None:
    if session.scalar(select(ApprovalDecision.id).where(ApprovalDecision.idempotency_key == key)):
        return
    actor_id = _id(session, User.id, User.username == record.actor)
    if actor_id is None:
        return
    session.add(
        ApprovalDecision(
            po_number=event.view.po_number,
            revision=event.view.revision,
            tier=f"{record.tier} / {record.branch}",
            decision=record.action,
            actor_id=actor_id,
            comment=record.comment,
            decided_at=record.at,
            on_behalf_of_id=_id(session, User.id, User.username == record.on_behalf_of)
            if record.on_behalf_of
            else None,
            idempotency_key=key,
        )
    )


def _audit_event(event: PoEvent, key: str) -> AuditEvent:
    state = event.after()
    after: dict[str, Any] = {
        "status": state.status.value,
        "tier": state.tier,
        "waiting_on": state.waiting_on,
        "amount_base_minor": state.amount_base_minor,
        "comment": event.comment or None,
    }
    if event.decision is not None:
        after["decision"] = asdict(event.decision) | {"at": event.decision.at.isoformat()}
    return AuditEvent(
        occurred_at=event.occurred_at,
        actor=event.actor,
        action=event.action,
        entity_type="purchase_order",
        entity_id=event.view.po_number,
        idempotency_key=key,
        on_behalf_of=event.on_behalf_of,
        before={"status": event.before_status.value} if event.before_status else None,
        after=after,
        workflow_id=event.workflow_id,
        run_id=event.run_id,
    )


def _id(session: Session, column: Any, condition: Any) -> int | None:
    value = session.scalar(select(column).where(condition))
    return int(value) if value is not None else None
