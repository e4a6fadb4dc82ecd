from dataclasses import replace

import pytest

from cli.demo_data import POLICY_DOCUMENT
from domain.catalog import Role, ServiceType
from domain.chain import Branch, Tier
from domain.policy import (
    ApproverMode,
    ApproverSpec,
    BranchSpec,
    Condition,
    EmergencySpec,
    Policy,
    TierSpec,
)
from domain.policy_document import build_policy
from domain.requisition import RiskFlag
from domain.routing import RoutingError, RoutingFacts, emergency_tier, route
from tests.builders.requisitions import requisition

DEMO_POLICY = build_policy("it-purchasing", 1, POLICY_DOCUMENT)
ROLE_MEMBERS = {
    Role.PROCUREMENT.value: ("paul",),
    Role.FINANCE.value: ("fiona",),
    Role.APPROVER.value: ("tom", "priya", "sam", "lee", "nora", "fiona", "paul"),
}


def facts(
    amount_base_minor: int = 189_000,
    over_budget: bool = False,
    new_vendor: bool = False,
    cost_center_owner: str = "priya",
    manager_chain: tuple[str, ...] = ("priya", "tom"),
) -> RoutingFacts:
    return RoutingFacts(
        amount_base_minor=amount_base_minor,
        over_budget=over_budget,
        new_vendor=new_vendor,
        cost_center_owner=cost_center_owner,
        manager_chain=manager_chain,
        role_members=ROLE_MEMBERS,
    )


def one_tier_policy(approvers: ApproverSpec, fallback: ApproverSpec | None = None) -> Policy:
    branch = BranchSpec("approval", approvers, fallback=fallback)
    return Policy("test", 1, "EUR", (TierSpec("approval", (branch,)),))


def test_a_large_saas_purchase_handling_pii_passes_every_tier() -> None:
    saas = requisition(
        ServiceType.SAAS_SUBSCRIPTION, 12_000_000, risk_flags=(RiskFlag.HANDLES_PII,)
    )
    tiers = route(saas, DEMO_POLICY, facts(amount_base_minor=12_000_000))
    assert [tier.name for tier in tiers] == [
        "cost-center owner",
        "IT leadership",
        "risk review",
        "finance",
    ]
    owner, leadership, risk, finance = tiers
    assert owner.branches == [
        Branch("cost-center owner", ["priya"], fallback=["tom"], escalation_pool=["paul"])
    ]
    assert leadership.branches == [
        Branch(
            "IT leadership",
            ["tom"],
            deadline_minutes=72 * 60,
            fallback=["paul"],
            escalation_pool=["paul"],
        )
    ]
    assert [(b.name, b.eligible, b.deadline_minutes) for b in risk.branches] == [
        ("security", ["lee"], 72 * 60),
        ("legal", ["nora"], 72 * 60),
    ]
    assert finance.branches == [
        Branch(
            "finance",
            ["fiona"],
            deadline_minutes=72 * 60,
            escalation_pool=["paul"],
            comment_required=True,
        )
    ]


def test_a_small_hardware_purchase_needs_only_the_cost_center_owner() -> None:
    tiers = route(requisition(), DEMO_POLICY, facts())
    assert [tier.name for tier in tiers] == ["cost-center owner"]


def test_it_leadership_starts_at_the_threshold_inclusive() -> None:
    below = route(requisition(), DEMO_POLICY, facts(amount_base_minor=2_499_999))
    at = route(requisition(), DEMO_POLICY, facts(amount_base_minor=2_500_000))
    assert [tier.name for tier in below] == ["cost-center owner"]
    assert [tier.name for tier in at] == ["cost-center owner", "IT leadership"]


def test_a_purchase_over_budget_adds_finance() -> None:
    tiers = route(requisition(), DEMO_POLICY, facts(over_budget=True))
    assert [tier.name for tier in tiers] == ["cost-center owner", "finance"]


def test_a_risk_flag_outside_the_list_adds_no_risk_review() -> None:
    flagged = requisition(risk_flags=(RiskFlag.DATA_RESIDENCY,))
    assert [tier.name for tier in route(flagged, DEMO_POLICY, facts())] == ["cost-center owner"]


def test_a_requester_who_owns_the_cost_center_is_replaced_by_the_fallback() -> None:
    own = requisition(requester="priya")
    (owner,) = route(own, DEMO_POLICY, facts(manager_chain=("tom",)))
    assert owner.branches[0].eligible == ["tom"]
    assert owner.branches[0].fallback == ["tom"]
    assert "priya" not in owner.branches[0].entitled()


def test_without_a_fallback_the_requester_is_replaced_by_procurement() -> None:
    policy = one_tier_policy(ApproverSpec(users=("alex",), mode=ApproverMode.ALL_OF))
    (tier,) = route(requisition(), policy, facts())
    assert tier.branches[0].eligible == ["paul"]
    assert tier.branches[0].mode is ApproverMode.ANY_OF


def test_a_branch_with_nobody_but_the_requester_is_a_routing_error() -> None:
    policy = one_tier_policy(ApproverSpec(users=("paul",)), ApproverSpec(users=("paul",)))
    with pytest.raises(RoutingError, match="'approval'"):
        route(requisition(requester="paul"), policy, facts())


def test_manager_levels_take_that_many_managers_up_the_chain() -> None:
    def eligible(levels: int) -> list[str]:
        policy = one_tier_policy(ApproverSpec(manager_levels=levels))
        return route(requisition(), policy, facts())[0].branches[0].eligible

    assert eligible(1) == ["priya"]
    assert eligible(2) == ["priya", "tom"]
    assert eligible(5) == ["priya", "tom"]


def test_approver_sources_add_up_in_order_each_person_once() -> None:
    spec = ApproverSpec(
        users=("nora", "alex"), role=Role.FINANCE, cost_center_owner=True, manager_levels=2
    )
    (tier,) = route(requisition(), one_tier_policy(spec), facts())
    assert tier.branches[0].eligible == ["nora", "fiona", "priya", "tom"]


def test_conditions_on_service_type_new_vendor_and_emergency() -> None:
    conditions = (
        Condition(service_types=(ServiceType.CLOUD_INFRASTRUCTURE,), new_vendor=True),
        Condition(emergency=True, amount_base_minor_below=1_000_000),
    )
    tier = TierSpec("extra", (BranchSpec("extra", ApproverSpec(users=("sam",))),), conditions)
    policy = Policy("test", 1, "EUR", (tier,))
    cloud = requisition(ServiceType.CLOUD_INFRASTRUCTURE)
    assert route(cloud, policy, facts(new_vendor=True)) != []
    assert route(cloud, policy, facts(new_vendor=False)) == []
    assert route(requisition(emergency=True), policy, facts(amount_base_minor=999_999)) != []
    assert route(requisition(emergency=True), policy, facts(amount_base_minor=1_000_000)) == []


def test_an_emergency_gets_one_emergency_approver_at_once() -> None:
    tier = emergency_tier(requisition(emergency=True), DEMO_POLICY, facts())
    assert tier == Tier(
        "emergency",
        [
            Branch(
                "emergency",
                ["tom"],
                deadline_minutes=4 * 60,
                reminder_minutes=60,
                escalation_pool=["paul"],
            )
        ],
    )


def test_no_emergency_tier_for_a_normal_po_or_a_policy_without_emergencies() -> None:
    assert emergency_tier(requisition(), DEMO_POLICY, facts()) is None
    no_emergencies = replace(DEMO_POLICY, emergency=None)
    assert emergency_tier(requisition(emergency=True), no_emergencies, facts()) is None


def test_an_emergency_approver_cannot_approve_their_own_emergency() -> None:
    policy = replace(DEMO_POLICY, emergency=EmergencySpec(ApproverSpec(users=("tom",))))
    tier = emergency_tier(requisition(requester="tom", emergency=True), policy, facts())
    assert tier is not None
    assert tier.branches[0].eligible == ["paul"]
