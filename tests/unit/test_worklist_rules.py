"""The rules behind the inbox worklist and the landing page: which POs a policy marks low-risk,
where a PO stands for its requester, and where ``/`` takes each role."""

from dataclasses import replace
from datetime import date

import pytest

from api.web.landing import landing_page
from cli.demo_data import POLICY_DOCUMENT
from domain.catalog import PoStatus, Role, ServiceType
from domain.chain import Branch, Tier
from domain.invoicing import InvoiceRecord
from domain.low_risk import RiskFacts, not_low_risk
from domain.policy import LowRiskRule
from domain.policy_document import PolicyError
from domain.progress import StepState, step_track
from domain.purchase_order import PoView
from domain.requisition import RiskFlag
from models.purchase_orders.policy_schema import parse_policy
from tests.builders.requisitions import requisition

RULE = LowRiskRule(amount_base_minor_below=500_000)


def view(amount_base_minor: int = 42_000, **changes: object) -> PoView:
    base = PoView("PO-1", 1, PoStatus.PENDING_APPROVAL, requisition(), amount_base_minor)
    return replace(base, **changes)  # type: ignore[arg-type]


def facts(amount_base_minor: int = 42_000, **changes: object) -> RiskFacts:
    base = RiskFacts(amount_base_minor, "EUR", ServiceType.HARDWARE)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_small_po_within_budget_and_without_flags_is_low_risk() -> None:
    assert not_low_risk(RULE, facts()) is None


@pytest.mark.parametrize(
    ("po", "reason"),
    [
        (facts(500_000), "its amount 5,000.00 EUR is not below the low-risk limit of 5,000.00 EUR"),
        (facts(risk_flags=(RiskFlag.HANDLES_PII,)), "it carries risk flags (handles pii)"),
        (facts(over_budget=True), "it is over budget"),
        (
            facts(policy_flags=("Above the MSA price.",)),
            "the policy flagged it: Above the MSA price.",
        ),
        (facts(emergency=True), "it is an emergency purchase"),
    ],
)
def test_what_keeps_a_po_from_being_low_risk_is_said(po: RiskFacts, reason: str) -> None:
    assert not_low_risk(RULE, po) == reason


def test_a_rule_naming_service_types_leaves_the_others_out() -> None:
    saas_only = LowRiskRule(500_000, (ServiceType.SAAS_SUBSCRIPTION,))
    assert not_low_risk(saas_only, facts()) == "hardware is not a low-risk service type"


def test_without_a_low_risk_rule_no_po_is_low_risk() -> None:
    assert not_low_risk(None, facts()) == "its approval policy marks no PO as low-risk"


def test_a_policy_document_marks_low_risk_and_a_bad_rule_is_refused() -> None:
    assert parse_policy("p", 1, POLICY_DOCUMENT).low_risk == RULE
    without = {k: v for k, v in POLICY_DOCUMENT.items() if k != "low_risk"}
    assert parse_policy("p", 1, without).low_risk is None
    with pytest.raises(PolicyError, match=r"low_risk\.amount_base_minor_below: must be at least 1"):
        parse_policy("p", 1, {**POLICY_DOCUMENT, "low_risk": {"amount_base_minor_below": 0}})
    with pytest.raises(PolicyError, match="low_risk: unknown key"):
        parse_policy("p", 1, {**POLICY_DOCUMENT, "low_risk": {"amount_below": 5}})


def _tiers(approved_tiers: int) -> list[Tier]:
    names = ("cost-center owner", "IT leadership")
    return [
        Tier(name, [Branch(name, ["priya"], approvals=["priya"] if i < approved_tiers else [])])
        for i, name in enumerate(names)
    ]


def _track(po: PoView) -> list[tuple[str, StepState, str]]:
    return [(step.label, step.state, step.note) for step in step_track(po)]


def test_the_tracker_names_the_tier_the_po_waits_in() -> None:
    waiting = view(tiers=_tiers(1), tier_index=1)
    assert _track(waiting) == [
        ("Requisition", StepState.DONE, ""),
        ("Approval: tier 2 of 2 (IT leadership)", StepState.CURRENT, ""),
        ("Issued", StepState.UPCOMING, ""),
        ("Invoiced", StepState.UPCOMING, ""),
        ("Closed", StepState.UPCOMING, ""),
    ]


def test_the_tracker_follows_an_issued_po_to_its_invoices() -> None:
    issued = view(status=PoStatus.ISSUED, tiers=_tiers(2), erp_reference="ERP-PO-1")
    assert [state for _, state, _ in _track(issued)][1:4] == [
        StepState.DONE,
        StepState.DONE,
        StepState.CURRENT,
    ]
    invoice = InvoiceRecord("INV-1", date(2026, 1, 1), 42_000, 42_000, 42_000, "felix")
    invoiced = replace(issued, invoices=[invoice])
    assert _track(invoiced)[3:] == [
        ("Invoiced", StepState.DONE, ""),
        ("Closed", StepState.CURRENT, ""),
    ]


def test_the_tracker_shows_where_a_po_stopped_and_why() -> None:
    rejected = view(status=PoStatus.REJECTED, tiers=_tiers(0))
    assert _track(rejected)[1] == (
        "Approval: tier 1 of 2 (cost-center owner)",
        StepState.STOPPED,
        "rejected",
    )
    refused = view(status=PoStatus.REFUSED)
    assert _track(refused)[0] == ("Requisition", StepState.STOPPED, "refused")


@pytest.mark.parametrize(
    ("roles", "waiting", "page"),
    [
        ({Role.APPROVER, Role.FINANCE}, 2, "/inbox"),
        ({Role.APPROVER, Role.FINANCE}, 0, "/reports/summary"),
        ({Role.AUDITOR}, 0, "/audit"),
        ({Role.REQUESTER}, 0, "/my-requests"),
        ({Role.REQUESTER}, 1, "/inbox"),  # an approver's question waits on them
        ({Role.APPROVER, Role.REQUESTER}, 0, "/my-requests"),
        ({Role.APPROVER}, 0, "/inbox"),
        ({Role.ADMIN}, 0, "/inbox"),
    ],
)
def test_slash_leads_each_role_to_its_page(roles: set[Role], waiting: int, page: str) -> None:
    assert landing_page(roles, waiting) == page
