"""A delivered milestone on the time-skipping server: refused before delivery and to the
requester, accepted by the service owner and IT operations, rejected with a comment and
accepted once delivered again; kept on the PO, projected to po_milestone_decisions, audited."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from domain.catalog import PoStatus
from domain.milestone_acceptance import (
    AcceptanceSide,
    CriterionResult,
    MilestoneDecision,
    MilestoneState,
    MilestoneVerdict,
    standings,
)
from domain.receipts import ReceiptKind, ReceiptRequest
from domain.requisition import Requisition
from domain.temporal_names import PoUpdate
from domain.terms.milestones import Milestone
from domain.terms.po_terms import PoTerms
from models.purchase_orders.milestone_decisions import milestone_decisions_of
from tests.builders.requisitions import laptops, own_cost_center
from tests.workflows.conftest import PoRunner, view_when, waiting
from tests.workflows.helpers import approve_round, audit_actions, keep_history, update
from tests.workflows.test_after_issue import refused

ACCEPT, REJECT = MilestoneVerdict.ACCEPT, MilestoneVerdict.REJECT


def _phased_laptops(cost_center: str) -> Requisition:
    """Three laptops, imaged then rolled out; priya owns the cost center (the service owner)."""
    requisition = laptops(3)
    start = requisition.service_start
    milestones = (
        Milestone("Imaging", start, ("golden image",)),
        Milestone("Rollout", start + timedelta(days=10), ("asset tags", "user sign-off")),
    )
    return replace(requisition, cost_center=cost_center, terms=PoTerms(milestones=milestones))


def _delivered(name: str) -> ReceiptRequest:
    kind = ReceiptKind.MILESTONE_DELIVERED
    return ReceiptRequest("maria", kind, 1, Decimal(1), date.today(), milestone=name)


def _decide(
    actor: str, name: str, verdict: MilestoneVerdict = ACCEPT, comment: str = ""
) -> MilestoneDecision:
    met = (CriterionResult("asset tags", True),) if name == "Rollout" and verdict is ACCEPT else ()
    return MilestoneDecision(
        actor, name, verdict, comment, met, actor_is_it_operations=actor == "lee"
    )


async def test_both_sides_accept_a_delivered_milestone_and_a_rejection_waits_for_redelivery(
    po_runner: PoRunner, db: Session
) -> None:
    handle = await po_runner.start(_phased_laptops(own_cost_center(db)))
    await view_when(handle, waiting)
    view = await approve_round(handle, lambda v: v.status is PoStatus.ISSUED)
    decide = PoUpdate.DECIDE_MILESTONE
    assert await refused(handle, decide, _decide("priya", "Imaging")) == "not_delivered"

    await update(handle, PoUpdate.RECORD_RECEIPT, _delivered("Imaging"))
    assert await refused(handle, decide, _decide("alex", "Imaging")) == "segregation_of_duties"
    assert await refused(handle, decide, _decide("felix", "Imaging")) == "not_entitled"
    await update(handle, decide, _decide("priya", "Imaging"))
    view = await update(handle, decide, _decide("lee", "Imaging"))
    assert [d.side for d in view.milestone_decisions] == [
        AcceptanceSide.SERVICE_OWNER,
        AcceptanceSide.IT_OPERATIONS,
    ]

    await update(handle, PoUpdate.RECORD_RECEIPT, _delivered("Rollout"))
    assert await refused(handle, decide, _decide("lee", "Rollout", REJECT)) == "comment_required"
    await update(handle, decide, _decide("lee", "Rollout", REJECT, "no asset tags on two"))
    assert await refused(handle, decide, _decide("priya", "Rollout")) == "milestone_decided"
    await update(handle, PoUpdate.RECORD_RECEIPT, _delivered("Rollout"))
    await update(handle, decide, _decide("lee", "Rollout"))
    view = await update(handle, decide, _decide("priya", "Rollout"))

    found = standings(view.requisition, view.receipts, view.milestone_decisions)
    assert [(f.milestone.name, f.state) for f in found] == [
        ("Imaging", MilestoneState.ACCEPTED),
        ("Rollout", MilestoneState.ACCEPTED),
    ]
    db.expire_all()
    rows = milestone_decisions_of(db, view.po_number)
    assert [(r.milestone, r.delivery_receipt, r.decided_by, r.verdict) for r in rows] == [
        ("Imaging", 1, "priya", ACCEPT),
        ("Imaging", 1, "lee", ACCEPT),
        ("Rollout", 2, "lee", REJECT),
        ("Rollout", 3, "lee", ACCEPT),
        ("Rollout", 3, "priya", ACCEPT),
    ]
    assert rows[2].comment == "no asset tags on two"
    assert rows[3].criteria == [{"criterion": "asset tags", "met": True}]
    actions = audit_actions(db, view.po_number)
    assert (actions.count("milestone.accept"), actions.count("milestone.reject")) == (4, 1)
    await keep_history(handle, "milestone_acceptance")
