"""A delivered milestone accepted or rejected against its criteria: who decides (the service
owner and IT operations, never the requester), what may be decided (a milestone of the PO's
terms, delivered, with a comment to reject), and that both sides must accept."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from domain.catalog import PoStatus
from domain.milestone_acceptance import (
    AcceptanceSide,
    CriterionResult,
    MilestoneDecision,
    MilestoneDecisionRecord,
    MilestoneState,
    MilestoneVerdict,
    milestone_decision_refusal,
    service_owner,
    side_of,
    standings,
)
from domain.receipts import ReceiptKind, ReceiptRecord
from domain.requisition import Requisition
from domain.terms.po_terms import PoTerms
from tests.builders.requisitions import laptops
from tests.builders.terms import HANDOVER, KICK_OFF

AT = datetime(2026, 12, 1, 9, tzinfo=UTC)
OWNER = "sam"  # the service owner: the PO's cost-center owner
ACCEPT, REJECT = MilestoneVerdict.ACCEPT, MilestoneVerdict.REJECT


def _phased() -> Requisition:
    """Requested by alex; milestones Kick-off (project plan) and Handover (documentation,
    knowledge transfer)."""
    return replace(laptops(1), terms=PoTerms(milestones=(KICK_OFF, HANDOVER)))


def _delivered(name: str, number: int = 1) -> ReceiptRecord:
    kind = ReceiptKind.MILESTONE_DELIVERED
    return ReceiptRecord(number, kind, 1, Decimal(1), date(2026, 12, 1), "maria", AT, name)


def _decide(actor: str, verdict: MilestoneVerdict = ACCEPT, **changes: Any) -> MilestoneDecision:
    decision = MilestoneDecision(
        actor, "Handover", verdict, actor_is_it_operations=actor == "priya"
    )
    return replace(decision, **changes)


def _taken(
    decision: MilestoneDecision, side: AcceptanceSide, delivery: int = 1
) -> MilestoneDecisionRecord:
    return MilestoneDecisionRecord(
        1, "Handover", delivery, side, decision.verdict, decision.actor, AT, decision.comment
    )


def _rule(
    decision: MilestoneDecision,
    *,
    receipts: list[ReceiptRecord] | None = None,
    decisions: list[MilestoneDecisionRecord] | None = None,
    status: PoStatus = PoStatus.ISSUED,
) -> str | None:
    delivered = [_delivered("Handover")] if receipts is None else receipts
    refused = milestone_decision_refusal(
        status, decision, _phased(), OWNER, delivered, decisions or []
    )
    return refused.rule if refused else None


def test_the_service_owner_and_it_operations_each_accept_a_delivered_milestone() -> None:
    assert _rule(_decide("sam")) is None
    assert _rule(_decide("priya")) is None
    assert side_of(_decide("sam"), OWNER) is AcceptanceSide.SERVICE_OWNER
    assert side_of(_decide("priya"), OWNER) is AcceptanceSide.IT_OPERATIONS


def test_a_milestone_not_delivered_is_not_decided() -> None:
    assert _rule(_decide("sam"), receipts=[]) == "not_delivered"
    other = [_delivered("Kick-off")]
    assert _rule(_decide("sam"), receipts=other) == "not_delivered"
    goods = replace(_delivered("Handover"), kind=ReceiptKind.GOODS_RECEIVED)
    assert _rule(_decide("sam"), receipts=[goods]) == "not_delivered"


def test_a_milestone_named_as_delivered_matches_without_case_or_spaces() -> None:
    assert _rule(_decide("sam", milestone=" handover "), receipts=[_delivered("HANDOVER")]) is None


def test_a_milestone_the_terms_do_not_name_is_unknown() -> None:
    assert _rule(_decide("sam", milestone="Hypercare")) == "unknown_milestone"


@pytest.mark.parametrize(
    ("actor", "rule"),
    [
        ("alex", "segregation_of_duties"),  # the requester, even holding a side
        ("felix", "not_entitled"),  # neither the service owner nor IT operations
    ],
)
def test_the_requester_and_people_without_a_side_may_not_decide(actor: str, rule: str) -> None:
    assert _rule(_decide(actor, actor_is_it_operations=actor == "alex")) == rule


def test_a_rejection_needs_a_comment() -> None:
    assert _rule(_decide("priya", REJECT)) == "comment_required"
    assert _rule(_decide("priya", REJECT, comment="  ")) == "comment_required"
    assert _rule(_decide("priya", REJECT, comment="runbook missing")) is None


def test_criteria_are_the_milestones_own_and_all_met_to_accept() -> None:
    met = (CriterionResult("documentation", True), CriterionResult("Knowledge transfer", True))
    assert _rule(_decide("sam", criteria=met)) is None
    unmet = (CriterionResult("documentation", False),)
    assert _rule(_decide("sam", criteria=unmet)) == "criterion_not_met"
    assert _rule(_decide("sam", REJECT, comment="no docs", criteria=unmet)) is None
    alien = (CriterionResult("project plan", True),)  # Kick-off's, not Handover's
    assert _rule(_decide("sam", criteria=alien)) == "unknown_criterion"


def test_both_sides_must_accept_and_each_decides_once() -> None:
    owner_accepted = [_taken(_decide("sam"), AcceptanceSide.SERVICE_OWNER)]
    assert _rule(_decide("sam"), decisions=owner_accepted) == "already_decided"
    found = standings(_phased(), [_delivered("Handover")], owner_accepted)
    assert [item.state for item in found] == [
        MilestoneState.NOT_DELIVERED,
        MilestoneState.DELIVERED,
    ]
    both = [*owner_accepted, _taken(_decide("priya"), AcceptanceSide.IT_OPERATIONS)]
    handover = standings(_phased(), [_delivered("Handover")], both)[1]
    assert handover.state is MilestoneState.ACCEPTED
    assert _rule(_decide("lee", actor_is_it_operations=True), decisions=both) == "milestone_decided"


def test_either_side_rejecting_rejects_until_it_is_delivered_again() -> None:
    rejected = [
        _taken(_decide("sam"), AcceptanceSide.SERVICE_OWNER),
        _taken(_decide("priya", REJECT, comment="runbook missing"), AcceptanceSide.IT_OPERATIONS),
    ]
    first = [_delivered("Handover")]
    assert standings(_phased(), first, rejected)[1].state is MilestoneState.REJECTED
    assert _rule(_decide("sam"), decisions=rejected) == "milestone_decided"
    again = [*first, _delivered("Handover", number=2)]
    assert standings(_phased(), again, rejected)[1].state is MilestoneState.DELIVERED
    assert _rule(_decide("sam"), receipts=again, decisions=rejected) is None


@pytest.mark.parametrize("status", [PoStatus.PENDING_APPROVAL, PoStatus.CANCELLED])
def test_only_an_issued_po_has_milestones_decided(status: PoStatus) -> None:
    assert _rule(_decide("sam"), status=status) == "not_issued"


def test_the_service_owner_is_the_cost_center_owner_or_else_the_requesters_manager() -> None:
    assert service_owner("alex", "sam", ("priya", "tom")) == "sam"
    assert service_owner("sam", "sam", ("tom",)) == "tom"
    assert service_owner("tom", "tom", ()) is None
