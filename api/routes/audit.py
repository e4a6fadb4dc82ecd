"""A PO's audit trail, for whoever may see the PO."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import select

from api.deps import CurrentUser, SessionDep
from models.audit.entries import AuditEntry
from models.purchase_orders.inbox import visible_purchase_order

router = APIRouter(prefix="/api", tags=["audit"])


class AuditLine(BaseModel):
    sequence: int
    occurred_at: datetime
    actor: str
    on_behalf_of: str | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    workflow_id: str | None
    hash: str


@router.get("/purchase-orders/{po_number}/audit")
def purchase_order_audit(po_number: str, user: CurrentUser, session: SessionDep) -> list[AuditLine]:
    """Every recorded action on the PO, oldest first, with its place in the hash chain."""
    if visible_purchase_order(session, user, po_number, datetime.now(UTC)) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no purchase order {po_number}")
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == po_number).order_by(AuditEntry.sequence)
    )
    return [AuditLine.model_validate(entry, from_attributes=True) for entry in entries]
