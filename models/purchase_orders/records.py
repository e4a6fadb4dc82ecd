"""The purchase-order read model and the approval decisions, projected from the workflows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    String,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.catalog import Decision, PoStatus, ServiceType
from domain.purchase_order import PoView
from domain.requisition import Requisition
from models.base import Base, CreatedAt, CurrencyCode, IntPk, MinorUnits, string_enum

# PO numbers: PO-1001, PO-1002, … drawn from a Postgres sequence, so they never repeat.
PO_NUMBER_SEQUENCE = Sequence("po_number_seq", start=1001, metadata=Base.metadata)
_VIEW = TypeAdapter(PoView)


class PurchaseOrder(Base):
    """What screens and reports read about a PO; its workflow holds the process state.

    ``last_event_sequence`` makes projections idempotent: an activity applies an event only if its
    sequence is newer than the one stored.
    """

    __tablename__ = "purchase_orders"
    __table_args__ = (
        Index("ix_purchase_orders_current_approvers", "current_approvers", postgresql_using="gin"),
    )

    po_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(200), unique=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[PoStatus] = mapped_column(string_enum(PoStatus, "po_status"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    requester: Mapped[str] = mapped_column(String(80), index=True)
    cost_center: Mapped[str] = mapped_column(String(40), index=True)
    vendor: Mapped[str] = mapped_column(String(200))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    cost_center_id: Mapped[int | None] = mapped_column(ForeignKey("cost_centers.id"), index=True)
    gl_account_id: Mapped[int | None] = mapped_column(ForeignKey("gl_accounts.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    service_type: Mapped[ServiceType] = mapped_column(string_enum(ServiceType, "service_type"))
    amount_minor: Mapped[MinorUnits]
    currency: Mapped[CurrencyCode]
    amount_base_minor: Mapped[MinorUnits]
    base_currency: Mapped[CurrencyCode]
    rate_date: Mapped[date | None] = mapped_column(Date)
    is_emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("approval_policies.id"))
    current_tier: Mapped[str | None] = mapped_column(String(120))
    current_approvers: Mapped[list[str]] = mapped_column(ARRAY(String(80)), default=list)
    policy_version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    tier_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    itsm_ticket: Mapped[str | None] = mapped_column(String(80))
    erp_reference: Mapped[str | None] = mapped_column(String(80))
    last_event_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[CreatedAt]


class ApprovalDecision(Base):
    """A decision taken on a tier: who, on behalf of whom, what, when, and why."""

    __tablename__ = "approval_decisions"

    id: Mapped[IntPk]
    po_number: Mapped[str] = mapped_column(ForeignKey("purchase_orders.po_number"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    tier: Mapped[str] = mapped_column(String(120))
    decision: Mapped[Decision] = mapped_column(string_enum(Decision, "decision"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(String(4000), default="")
    decided_at: Mapped[CreatedAt]
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)


def next_po_number(session: Session) -> str:
    """The next PO number, e.g. ``PO-1001``; never handed out twice."""
    return f"PO-{session.scalar(PO_NUMBER_SEQUENCE.next_value())}"


def view_document(view: PoView) -> dict[str, Any]:
    """The view as JSON for the read model's ``detail`` column."""
    document: dict[str, Any] = _VIEW.dump_python(view, mode="json")
    return document


def record_submitted(
    session: Session, po_number: str, workflow_id: str, requisition: Requisition, base_currency: str
) -> None:
    """The PO as it is accepted, before its workflow first projects it: validating, with its
    requisition, so it can be read at once even while no worker runs. Its event sequence is 0,
    so the workflow's first projection takes the row over."""
    view = PoView(po_number, 1, PoStatus.VALIDATING, requisition, base_currency=base_currency)
    session.add(
        PurchaseOrder(
            po_number=po_number,
            workflow_id=workflow_id,
            revision=view.revision,
            status=view.status,
            title=requisition.title,
            requester=requisition.requester,
            cost_center=requisition.cost_center,
            vendor=requisition.vendor,
            service_type=requisition.service_type,
            amount_minor=requisition.amount().minor,
            currency=requisition.currency,
            amount_base_minor=view.amount_base_minor,
            base_currency=base_currency,
            is_emergency=requisition.emergency,
            current_approvers=[],
            detail=view_document(view),
            itsm_ticket=requisition.itsm_ticket,
            last_event_sequence=0,
        )
    )
