"""A delivered milestone of an issued PO, accepted or rejected by its service owner and by IT
operations (an Update whose validator decides), and where each milestone stands."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from api.deps import CurrentUser, SessionDep, TemporalDep, require_role, visible_or_404
from api.errors import RefusalRoute
from api.idempotency import IdempotencyHeader
from api.routes.after_issue import po_update
from api.schemas.decisions import REFUSAL_RESPONSES
from api.schemas.milestones import (
    MilestoneDecisionIn,
    MilestoneDecisionOut,
    MilestoneOut,
    MilestonesOut,
)
from domain.catalog import Role
from domain.milestone_acceptance import (
    CriterionResult,
    MilestoneDecision,
    MilestoneStanding,
    standings,
)
from domain.purchase_order import PoView
from domain.temporal_names import PoUpdate
from models.budgets.org import owns_it_service
from models.people.records import User
from models.purchase_orders.records import PurchaseOrder
from services.idempotency import update_id

router = APIRouter(prefix="/api/purchase-orders", tags=["after issue"], route_class=RefusalRoute)
# Anyone but an auditor may ask; the workflow takes the service owner and IT operations only.
Decider = Annotated[User, Depends(require_role(*(r for r in Role if r is not Role.AUDITOR)))]
_VIEW = TypeAdapter(PoView)


@router.post("/{po_number}/milestones/{name}/decisions", responses=REFUSAL_RESPONSES)
async def decide_milestone(
    po_number: str,
    name: str,
    body: MilestoneDecisionIn,
    user: Decider,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> dict[str, Any]:
    """Accept or reject a delivered milestone against its acceptance criteria, for the side
    the caller holds: the PO's service owner, or IT operations (an IT service's owner). Both
    accepting accepts it; a rejection (with a comment) stands until it is delivered again."""
    po, it_operations = await run_in_threadpool(_for_acceptance, session, user, po_number)
    decision = MilestoneDecision(
        actor=user.username,
        milestone=name,
        verdict=body.verdict,
        comment=body.comment,
        criteria=tuple(CriterionResult(c.criterion, c.met) for c in body.criteria),
        actor_is_it_operations=it_operations,
    )
    key = update_id(PoUpdate.DECIDE_MILESTONE, user, idempotency_key)
    return await po_update(temporal, po, PoUpdate.DECIDE_MILESTONE, decision, key)


@router.get("/{po_number}/milestones")
def list_milestones(po_number: str, user: CurrentUser, session: SessionDep) -> MilestonesOut:
    """Each milestone of the PO's terms: due, delivered (its latest receipt), and accepted or
    rejected by whom, with their comments and criteria."""
    view = _VIEW.validate_python(_for_acceptance(session, user, po_number)[0].detail)
    found = standings(view.requisition, view.receipts, view.milestone_decisions)
    return MilestonesOut(po_number=po_number, milestones=[_milestone(item) for item in found])


def _for_acceptance(session: Session, user: User, po_number: str) -> tuple[PurchaseOrder, bool]:
    """The PO for whoever may see it, and for IT operations (an IT service's owner), who
    accept deliverables of POs they are not in the chain of; and whether the user is one."""
    it_operations = owns_it_service(session, user.username)
    po = session.get(PurchaseOrder, po_number) if it_operations else None
    return po or visible_or_404(session, user, po_number), it_operations


def _milestone(item: MilestoneStanding) -> MilestoneOut:
    delivery = item.delivery
    return MilestoneOut(
        name=item.milestone.name,
        due=item.milestone.due,
        acceptance_criteria=list(item.milestone.acceptance_criteria),
        state=item.state,
        delivered_on=delivery.received_on if delivery else None,
        delivery_receipt=delivery.number if delivery else None,
        decisions=[
            MilestoneDecisionOut(
                number=d.number,
                side=d.side,
                verdict=d.verdict,
                actor=d.actor,
                decided_at=d.decided_at,
                comment=d.comment,
                criteria={c.criterion: c.met for c in d.criteria},
            )
            for d in item.decisions
        ],
    )
