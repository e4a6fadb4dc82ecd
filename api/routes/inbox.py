"""The inbox of anyone signed in: what waits on me, or on someone I stand in for, and what I
decided. A requester's holds the POs whose approver asked them for information."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from api.deps import CurrentUser, SessionDep
from api.schemas import Inbox, InboxItem, RecentDecision
from models.inbox import InboxRow, inbox, recently_decided

router = APIRouter(prefix="/api", tags=["inbox"])


@router.get("/inbox")
def my_inbox(user: CurrentUser, session: SessionDep) -> Inbox:
    """POs whose current tier waits on the caller, then those waiting on a delegator of an
    active delegation to the caller (``on_behalf_of`` names them); soonest deadline first.
    ``recently_decided`` holds the caller's last 20 decisions."""
    now = datetime.now(UTC)
    return Inbox(
        items=[_item(row) for row in inbox(session, user, now)],
        recently_decided=[
            RecentDecision.model_validate(row) for row in recently_decided(session, user)
        ],
    )


def _item(row: InboxRow) -> InboxItem:
    po = row.po
    return InboxItem(
        po_number=po.po_number,
        title=po.title,
        amount_minor=po.amount_minor,
        currency=po.currency,
        amount_base_minor=po.amount_base_minor,
        base_currency=po.base_currency,
        requester=po.requester,
        cost_center=po.cost_center,
        tier=po.current_tier,
        deadline=po.tier_deadline,
        overdue=row.overdue,
        on_behalf_of=row.on_behalf_of,
    )
