"""The inbox of anyone signed in: what waits on me, or on someone I stand in for, and what I
decided. A requester's holds the POs whose approver asked them for information. Approvers
approve several low-risk POs at once here too."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from fastapi import APIRouter

from api.deps import CurrentUser, SessionDep, TemporalDep
from api.idempotency import IdempotencyHeader
from api.routes.purchase_orders import Decider
from api.schemas.bulk_approval import BulkApprovalIn, BulkApprovalOut
from api.schemas.inbox import Inbox, InboxItem, RecentDecision, TaskItem
from models.costs.governance_tasks import open_tasks_for
from models.purchase_orders.inbox import InboxRow, inbox, recently_decided
from services.bulk_approval import approve_low_risk

router = APIRouter(prefix="/api", tags=["inbox"])


@router.get("/inbox")
def my_inbox(user: CurrentUser, session: SessionDep) -> Inbox:
    """POs whose current tier waits on the caller, then those waiting on a delegator of an
    active delegation to the caller (``on_behalf_of`` names them); soonest deadline first.
    ``recently_decided`` holds the caller's last 20 decisions; ``tasks`` the governance tasks
    (a cost document's review, a tag remediation) waiting on the caller."""
    now = datetime.now(UTC)
    return Inbox(
        items=[_item(row) for row in inbox(session, user, now)],
        recently_decided=[
            RecentDecision.model_validate(row) for row in recently_decided(session, user)
        ],
        tasks=[TaskItem.model_validate(row) for row in open_tasks_for(session, user.username)],
    )


@router.post("/inbox/approve")
async def approve_low_risk_pos(
    body: BulkApprovalIn,
    user: Decider,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> BulkApprovalOut:
    """Approve several POs at once: each must wait on the caller (or on a delegator of theirs)
    and be low-risk by the ``low_risk`` rule of the policy that routed it. Each approval goes
    through the PO's workflow like a single decision, so its checks still apply; the answer
    (200) lists the approved POs and, for each refused one, the rule and why. Sent again with
    the same ``Idempotency-Key``, each PO answers with its first outcome."""
    outcome = await approve_low_risk(
        session, temporal, user, body.po_numbers, body.comment, idempotency_key
    )
    return BulkApprovalOut.model_validate(asdict(outcome))


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
