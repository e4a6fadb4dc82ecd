"""Time passing on the time-skipping server: reminders, escalation, the paused clock, emergency
POs approved after the fact, and renewal at the contract's notice window."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio.testing import WorkflowEnvironment

from domain.catalog import Decision, PoStatus
from domain.purchase_order import InformationAnswer, PoView
from domain.renewal import RenewalAction, RenewalDecision, RenewalView
from domain.temporal_names import PoQuery, PoUpdate, workflow_id_for
from models import EmergencyException
from tests.builders.requisitions import emergency, laptops, short_contract_vms
from tests.workflows.conftest import PoRunner, view_when, waiting
from tests.workflows.helpers import (
    arrives,
    audit_actions,
    decide,
    erp_orders,
    eventually,
    keep_history,
    messages_to,
    projected,
    refused_rule,
)


async def test_a_missed_deadline_escalates_to_the_fallback(
    po_runner: PoRunner, time_env: WorkflowEnvironment, db: Session
) -> None:
    handle = await po_runner.start(laptops())
    view = await view_when(handle, waiting)
    assert await refused_rule(handle, "tom", Decision.APPROVE) == "not_entitled"
    await time_env.sleep(timedelta(hours=25))
    await arrives(lambda: messages_to(db, view.po_number, "priya"), "reminder")
    await time_env.sleep(timedelta(hours=24))
    view = await view_when(handle, lambda v: "tom" in v.waiting_on())
    assert view.waiting_on() == ["priya", "tom"]
    await arrives(lambda: messages_to(db, view.po_number, "tom"), "escalation")
    await arrives(lambda: audit_actions(db, view.po_number), "tier.escalated")
    await decide(handle, "tom", Decision.APPROVE, comment="approved as fallback")
    await view_when(handle, lambda v: v.status is PoStatus.ISSUED)
    assert erp_orders(db, view.po_number) == 1
    await keep_history(handle, "escalation")


async def test_an_approver_extends_a_deadline_once(
    po_runner: PoRunner, time_env: WorkflowEnvironment
) -> None:
    handle = await po_runner.start(laptops())
    await view_when(handle, waiting)
    assert await refused_rule(handle, "priya", Decision.EXTEND_DEADLINE) == "comment_required"
    await decide(handle, "priya", Decision.EXTEND_DEADLINE, comment="vendor quote pending")
    assert (
        await refused_rule(handle, "priya", Decision.EXTEND_DEADLINE, comment="again")
        == "already_extended"
    )
    await time_env.sleep(timedelta(hours=50))
    view = await handle.query(PoQuery.VIEW, result_type=PoView)
    assert view.waiting_on() == ["priya"]  # 48 h + 48 h: not escalated yet


async def test_asking_the_requester_pauses_the_tier_clock(
    po_runner: PoRunner, time_env: WorkflowEnvironment, db: Session
) -> None:
    handle = await po_runner.start(laptops())
    await view_when(handle, waiting)
    await decide(handle, "priya", Decision.REQUEST_INFORMATION, comment="which team?")
    assert await refused_rule(handle, "priya", Decision.APPROVE) == "not_waiting"
    await time_env.sleep(timedelta(hours=72))
    answered = await handle.execute_update(
        PoUpdate.ANSWER_INFORMATION, InformationAnswer("alex", "platform team"), result_type=PoView
    )
    assert answered.status is PoStatus.PENDING_APPROVAL and answered.waiting_on() == ["priya"]
    await arrives(lambda: messages_to(db, answered.po_number, "alex"), "information_requested")
    await time_env.sleep(timedelta(hours=47))
    view = await handle.query(PoQuery.VIEW, result_type=PoView)
    assert view.waiting_on() == ["priya"]  # 72 h asked did not count against the 48 h
    await keep_history(handle, "information_requested")


async def test_an_emergency_po_issues_at_once_and_is_chased_after_the_fact(
    po_runner: PoRunner, time_env: WorkflowEnvironment, db: Session
) -> None:
    handle = await po_runner.start(emergency(laptops()))
    view = await view_when(handle, waiting)
    assert view.waiting_on() == ["tom"] and view.tiers[0].name == "emergency"
    await decide(handle, "tom", Decision.APPROVE, comment="incident INC0098765")
    view = await view_when(handle, lambda v: v.status is PoStatus.ISSUED and bool(v.waiting_on()))
    assert view.waiting_on() == ["priya"]  # the normal chain, after the fact
    assert erp_orders(db, view.po_number) == 1
    exception = await eventually(
        lambda: db.scalar(
            select(EmergencyException).where(EmergencyException.po_number == view.po_number)
        )
    )
    assert exception.incident_ref == "INC0098765"
    await time_env.sleep(timedelta(days=6))
    await view_when(handle, lambda v: v.emergency_post_facto_due is None)
    actions = audit_actions(db, view.po_number)
    assert "emergency.issued" in actions and "emergency.post_facto_overdue" in actions
    await keep_history(handle, "emergency")


async def test_renewal_starts_at_the_notice_window_and_renews(
    po_runner: PoRunner, time_env: WorkflowEnvironment, db: Session
) -> None:
    contract_end = date.today() + timedelta(days=120)
    handle = await po_runner.start(short_contract_vms(db, contract_end))
    view = await view_when(handle, waiting)
    assert view.waiting_on() == ["priya"]
    while view.status is PoStatus.PENDING_APPROVAL:  # a line other tests filled adds finance
        approver = view.waiting_on()[0]  # finance asks every approver for a reason
        view = await decide(handle, approver, Decision.APPROVE, comment="build agents renew")
    await projected(db, view.po_number, PoStatus.ISSUED)
    await time_env.sleep(timedelta(days=31))  # 90 days before the contract's end
    view = await view_when(handle, lambda v: v.renewal is not None)
    renewal = time_env.client.get_workflow_handle(view.renewal or "", result_type=RenewalView)
    po_runner.track(renewal.id)
    await arrives(lambda: messages_to(db, view.po_number, "alex"), "renewal_window")
    refused = RenewalDecision("tom", RenewalAction.TERMINATE)
    try:
        await renewal.execute_update(PoUpdate.DECIDE, refused, result_type=RenewalView)
        raise AssertionError("someone else than the service owner decided the renewal")
    except Exception as error:
        assert "service owner" in str(getattr(error, "cause", error))
    renewed = await renewal.execute_update(
        PoUpdate.DECIDE,
        RenewalDecision("alex", RenewalAction.RENEW, uplift_basis_points=300),
        result_type=RenewalView,
    )
    assert renewed.status == "renewed" and renewed.renewal_po
    po_runner.track(workflow_id_for(renewed.renewal_po))
    await projected(db, renewed.renewal_po, PoStatus.PENDING_APPROVAL)
    await arrives(lambda: audit_actions(db, view.po_number), "renewal.started")
    await arrives(lambda: audit_actions(db, view.po_number), "renewal.renew")
    await keep_history(handle, "renewal")
    await keep_history(renewal, "renewal_decision")
