"""A PO through its tiers on the time-skipping server: approvals, refusals, rejection, cancel."""

from typing import Any

from sqlalchemy.orm import Session
from temporalio.client import WorkflowHandle

from domain.catalog import Decision, PoStatus
from domain.purchase_order import CancelRequest, PoView
from domain.temporal_names import PoQuery, PoUpdate
from tests.builders.requisitions import laptops, saas_subscription
from tests.workflows.conftest import PoRunner, view_when, waiting
from tests.workflows.helpers import (
    activity_calls,
    arrives,
    audit_actions,
    audit_statuses,
    balance,
    decide,
    erp_orders,
    keep_history,
    local_activities,
    messages_to,
    projected,
    refused_rule,
    search_attribute_upserts,
)


def issued(view: PoView) -> bool:
    return view.status is PoStatus.ISSUED


async def test_three_tiers_in_order_then_one_erp_order(po_runner: PoRunner, db: Session) -> None:
    handle = await po_runner.start(saas_subscription(30_000, pii=True))
    view = await view_when(handle, waiting)
    assert [tier.name for tier in view.tiers] == [
        "cost-center owner",
        "IT leadership",
        "risk review",
    ]
    assert view.waiting_on() == ["sam"]
    await arrives(lambda: messages_to(db, view.po_number, "sam"), "approval_requested")
    await decide(handle, "sam", Decision.APPROVE)
    assert (await view_when(handle, lambda v: v.tier_index == 1)).waiting_on() == ["tom"]
    await decide(handle, "tom", Decision.APPROVE)
    await view_when(handle, lambda v: v.tier_index == 2)
    await decide(handle, "lee", Decision.APPROVE, branch="security")
    await decide(handle, "nora", Decision.APPROVE, branch="legal")
    view = await view_when(handle, issued)

    po = view.po_number
    row = await projected(db, po, PoStatus.ISSUED)
    assert view.erp_reference is not None and row.erp_reference == view.erp_reference
    assert erp_orders(db, po) == 1
    assert balance(db, po) == (0, 3_000_000)
    actions = audit_actions(db, po)
    assert actions[:2] == ["requisition.submitted", "requisition.routed"]
    assert actions.count("decision.approve") == 4
    assert actions.index("po.approved") < actions.index("po.issued")  # approved, then issued
    await arrives(lambda: messages_to(db, po, "alex"), "issued")
    scheduled, markers = await activity_calls(handle)
    # Only the ERP issue and the ticket's update at issue take a task; the projections, budget
    # moves and messages (ticket notes at each decision included) run as local activities.
    assert scheduled == ["issue_to_erp", "update_itsm_ticket"]
    assert markers > 10
    local = await local_activities(handle)
    # Routing is projected with the first tier's opening, a decision that ends a tier with the
    # next tier's opening, and the last decision with the PO's approval; the two risk reviewers
    # are asked, and requester and vendor told of the issue, in one call each.
    assert local.count("project_po_events") == len(actions) - 4 == 7
    assert local.count("send_notifications") == 2
    await _each_upsert_changes_what_operators_see(handle)
    await keep_history(handle, "three_tier_approval")


async def _each_upsert_changes_what_operators_see(handle: WorkflowHandle[Any, PoView]) -> None:
    """Search attributes are upserted only when they change, and end as the Temporal UI shows
    the issued PO."""
    shown: dict[str, Any] = {}
    waiting_on = []
    for upsert in await search_attribute_upserts(handle):
        assert upsert and all(shown.get(name) != value for name, value in upsert.items())
        shown.update(upsert)
        if "CurrentApprover" in upsert:
            waiting_on.append(upsert["CurrentApprover"])
    assert waiting_on == [["sam"], ["tom"], ["lee", "nora"], ["nora"], []]
    assert shown["PoStatus"] == "Issued" and shown["AmountBase"] == 3_000_000


async def test_refusals_name_the_rule_and_record_nothing(po_runner: PoRunner, db: Session) -> None:
    handle = await po_runner.start(laptops())
    await view_when(handle, waiting)
    assert await refused_rule(handle, "alex", Decision.APPROVE) == "self_approval"
    assert await refused_rule(handle, "tom", Decision.APPROVE) == "not_entitled"
    assert await refused_rule(handle, "priya", Decision.REJECT) == "comment_required"
    assert await refused_rule(handle, "priya", Decision.FORWARD, forward_to="alex") == (
        "invalid_forward"
    )
    view = await handle.query(PoQuery.VIEW, result_type=PoView)
    assert view.decisions == [] and view.waiting_on() == ["priya"]
    assert not [a for a in audit_actions(db, view.po_number) if a.startswith("decision.")]


async def test_a_rejection_releases_the_reservation(po_runner: PoRunner, db: Session) -> None:
    handle = await po_runner.start(laptops())
    view = await view_when(handle, waiting)
    assert balance(db, view.po_number) == (378_000, 0)
    await decide(handle, "priya", Decision.REJECT, comment="we have spares in stock")
    result = await handle.result()
    assert result.status is PoStatus.REJECTED
    assert balance(db, view.po_number) == (0, 0) and erp_orders(db, view.po_number) == 0
    await arrives(lambda: messages_to(db, view.po_number, "alex"), "rejected")
    assert messages_to(db, view.po_number, "alex").count("rejected") == 1
    await keep_history(handle, "rejection")


async def test_the_requester_cancels_before_issue(po_runner: PoRunner, db: Session) -> None:
    handle = await po_runner.start(laptops())
    view = await view_when(handle, waiting)
    cancelled = await handle.execute_update(
        PoUpdate.CANCEL, CancelRequest("alex", "project stopped"), result_type=PoView
    )
    assert cancelled.status is PoStatus.CANCELLED and cancelled.cancel_reason == "project stopped"
    assert balance(db, view.po_number) == (0, 0)
    await arrives(lambda: audit_actions(db, view.po_number), "po.cancelled")
    await keep_history(handle, "cancel")


async def test_forward_hands_the_tier_to_another_eligible_person(
    po_runner: PoRunner, db: Session
) -> None:
    handle = await po_runner.start(laptops())
    await view_when(handle, waiting)
    view = await decide(handle, "priya", Decision.FORWARD, forward_to="paul", comment="on leave")
    assert view.waiting_on() == ["paul"]
    assert await refused_rule(handle, "priya", Decision.APPROVE) == "not_entitled"
    await decide(handle, "paul", Decision.APPROVE)
    assert (await view_when(handle, issued)).erp_reference


async def test_each_audit_entry_says_the_status_before_and_after(
    po_runner: PoRunner, db: Session
) -> None:
    handle = await po_runner.start(laptops())
    await view_when(handle, waiting)
    await decide(handle, "priya", Decision.APPROVE)
    po = (await view_when(handle, issued)).po_number
    await arrives(lambda: audit_actions(db, po), "po.issued")
    statuses = audit_statuses(db, po)
    assert statuses[0] == ("requisition.submitted", None, "validating")
    assert ("requisition.routed", "validating", "pending_approval") in statuses
    assert ("decision.approve", "pending_approval", "pending_approval") in statuses
    assert ("po.approved", "pending_approval", "approved") in statuses
    assert ("po.issued", "approved", "issued") in statuses


async def test_a_refused_requisition_says_which_rules_failed(po_runner: PoRunner) -> None:
    from dataclasses import replace

    handle = await po_runner.start(replace(saas_subscription(), dpia_ref=None, vendor="Nobody"))
    result = await handle.result()
    assert result.status is PoStatus.REFUSED
    assert {"dpia_present", "vendor_known"} <= {failure.rule for failure in result.refusals}
    await keep_history(handle, "refused")
