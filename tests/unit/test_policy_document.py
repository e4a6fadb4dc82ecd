from typing import Any

import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest

from domain.catalog import Role, ServiceType
from domain.policy import (
    ApproverMode,
    ApproverSpec,
    BranchSpec,
    Condition,
    EmergencySpec,
    OverBudget,
    Policy,
    PriceAboveMsa,
    TierSpec,
)
from domain.policy_document import PolicyError
from domain.requisition import RiskFlag
from models.purchase_orders.policy_schema import POLICY_SCHEMA, parse_policy
from tests.builders.policies import POLICY_DOCUMENT, demo_policy

VALIDATOR = jsonschema.Draft202012Validator(POLICY_SCHEMA)


def schema_errors(document: dict[str, Any]) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(document)]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(POLICY_SCHEMA)


def test_every_object_in_the_schema_refuses_unknown_keys() -> None:
    def objects(node: Any) -> list[dict[str, Any]]:
        if isinstance(node, list):
            return [found for item in node for found in objects(item)]
        if not isinstance(node, dict):
            return []
        here = [node] if "properties" in node and node.get("type") == "object" else []
        return here + [found for value in node.values() for found in objects(value)]

    found = objects(POLICY_SCHEMA)
    assert len(found) >= 6
    assert all(node["additionalProperties"] is False for node in found)


def test_the_demo_policy_document_is_valid() -> None:
    assert schema_errors(demo_policy()) == []


def test_the_demo_policy_parses_to_its_tiers() -> None:
    policy = parse_policy("it-purchasing", 3, POLICY_DOCUMENT)
    owner, leadership, risk, finance, outlier, finops = policy.tiers
    assert owner == TierSpec(
        "cost-center owner",
        (
            BranchSpec(
                "cost-center owner",
                ApproverSpec(cost_center_owner=True),
                deadline_minutes=48 * 60,
                reminder_minutes=24 * 60,
                fallback=ApproverSpec(users=("tom",)),
            ),
        ),
    )
    assert leadership.when == (Condition(amount_base_minor_at_least=2_500_000),)
    assert leadership.branches[0].fallback == ApproverSpec(role=Role.PROCUREMENT)
    assert risk.when == (
        Condition(
            any_risk_flag=(
                RiskFlag.HANDLES_PII,
                RiskFlag.THIRD_PARTY_ACCESS,
                RiskFlag.REGULATED_SYSTEM,
            )
        ),
    )
    assert [branch.name for branch in risk.branches] == ["security", "legal"]
    assert risk.branches[1] == BranchSpec("legal", ApproverSpec(users=("nora",)), 72 * 60, 24 * 60)
    assert finance.when == (
        Condition(amount_base_minor_at_least=10_000_000),
        Condition(over_budget=True),
    )
    assert finance.branches == (
        BranchSpec("finance", ApproverSpec(role=Role.FINANCE), 72 * 60, 24 * 60, None, True),
    )
    assert outlier.when == (
        Condition(service_types=(ServiceType.PROFESSIONAL_SERVICES,), anomaly_score_at_least=4),
    )
    assert outlier.branches[0].approvers == ApproverSpec(role=Role.PROCUREMENT)
    assert finops.when == (
        Condition(
            service_types=(ServiceType.CLOUD_INFRASTRUCTURE,),
            monthly_run_rate_base_minor_at_least=1_000_000,
        ),
    )
    assert finops.branches[0].approvers == ApproverSpec(role=Role.FINOPS)


def test_the_demo_policy_fills_the_defaults() -> None:
    policy = parse_policy("it-purchasing", 3, POLICY_DOCUMENT)
    assert (policy.name, policy.version, policy.base_currency) == ("it-purchasing", 3, "EUR")
    assert policy.emergency == EmergencySpec(ApproverSpec(users=("tom",)), 5)
    assert policy.price_above_msa is PriceAboveMsa.FLAG
    assert policy.over_budget is OverBudget.ROUTE
    assert policy.allow_same_approver_across_tiers is False
    assert policy.renewal_notice_days == (90, 30)
    assert policy.tiers[0].branches[0].approvers.mode is ApproverMode.ANY_OF
    assert policy.tiers[0].branches[0].comment_required is False


def test_a_minimal_document_parses_with_every_option_given() -> None:
    document = {
        "base_currency": "USD",
        "price_above_msa": "refuse",
        "over_budget": "refuse",
        "allow_same_approver_across_tiers": True,
        "renewal_notice_days": [60],
        "tiers": [
            {
                "name": "managers",
                "when": [{"service_types": ["hardware"], "new_vendor": False}],
                "approvers": {"manager_levels": 2, "mode": "all_of"},
            }
        ],
    }
    assert schema_errors(document) == []
    policy = parse_policy("small", 1, document)
    assert policy == Policy(
        "small",
        1,
        "USD",
        (
            TierSpec(
                "managers",
                (BranchSpec("managers", ApproverSpec(manager_levels=2, mode=ApproverMode.ALL_OF)),),
                (Condition(service_types=(ServiceType.HARDWARE,), new_vendor=False),),
            ),
        ),
        price_above_msa=PriceAboveMsa.REFUSE,
        over_budget=OverBudget.REFUSE,
        allow_same_approver_across_tiers=True,
        renewal_notice_days=(60,),
    )


def test_the_schema_refuses_a_float_amount() -> None:
    document = demo_policy()
    document["tiers"][1]["when"][0]["amount_base_minor_at_least"] = 2_500_000.5
    assert any("is not of type 'integer'" in message for message in schema_errors(document))


def test_the_schema_refuses_an_unknown_key() -> None:
    document = demo_policy()
    document["tiers"][0]["approvers"]["department_head"] = True
    assert any("department_head" in message for message in schema_errors(document))


def test_the_schema_refuses_a_tier_with_both_approvers_and_parallel() -> None:
    document = demo_policy()
    document["tiers"][2]["approvers"] = {"users": ["tom"]}
    assert schema_errors(document) != []


def test_the_schema_refuses_a_tier_with_neither_approvers_nor_parallel() -> None:
    document = demo_policy()
    del document["tiers"][0]["approvers"]
    assert schema_errors(document) != []


def test_the_schema_refuses_branch_fields_beside_parallel() -> None:
    document = demo_policy()
    document["tiers"][2]["deadline_hours"] = 24
    assert schema_errors(document) != []


def test_the_schema_refuses_an_unknown_role() -> None:
    document = demo_policy()
    document["tiers"][3]["approvers"] = {"role": "cfo"}
    assert any("'cfo' is not one of" in message for message in schema_errors(document))


def test_the_schema_refuses_an_empty_tiers_list() -> None:
    document = demo_policy()
    document["tiers"] = []
    assert schema_errors(document) != []


@pytest.mark.parametrize(
    "approvers",
    [{}, {"mode": "all_of"}, {"users": []}, {"cost_center_owner": False}, {"manager_levels": 0}],
)
def test_the_schema_refuses_approvers_that_name_nobody(approvers: dict[str, Any]) -> None:
    document = demo_policy()
    document["tiers"][0]["approvers"] = approvers
    assert schema_errors(document) != []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["tiers"][2]["parallel"][0].update(approvers=[]), r"tiers\[2\]\.parallel\[0\]"),
        (lambda d: d["tiers"][2]["parallel"][1].pop("approvers"), r"tiers\[2\]\.parallel\[1\]"),
        (lambda d: d["tiers"][0].update(approvers={}), r"^tiers\[0\]\.approvers: names nobody"),
        (lambda d: d["tiers"][3].update(approvers={"role": "cfo"}), r"tiers\[3\]\.approvers\.role"),
        (lambda d: d["tiers"][1]["when"][0].update(amount_base_minor_at_least=2.5e6), r"\[1\]"),
        (lambda d: d["tiers"][2].update(approvers={"users": ["tom"]}), r"^tiers\[2\]: a tier"),
        (lambda d: d["tiers"][1].update(name="finance"), r"^tiers: .*repeated: finance"),
        (lambda d: d["tiers"][0].update(when={"over_budget": True}), r"^tiers\[0\]\.when: "),
        (lambda d: d.update(tiers=[]), r"^tiers: "),
        (lambda d: d.update(base_currency="eur"), r"^base_currency: "),
        (lambda d: d["emergency"].update(after_the_fact_days=0), r"emergency\.after_the_fact"),
        (lambda d: d.update(deadline_hours=4), r"^document: unknown key\(s\): deadline_hours"),
    ],
)
def test_parse_policy_names_the_json_path_of_a_problem(change: Any, path: str) -> None:
    document = demo_policy()
    change(document)
    with pytest.raises(PolicyError, match=path):
        parse_policy("broken", 1, document)


def test_parse_policy_refuses_a_whole_float_that_the_schema_lets_through() -> None:
    document = demo_policy()
    document["tiers"][1]["when"][0]["amount_base_minor_at_least"] = 2_500_000.0
    with pytest.raises(PolicyError, match=r"^tiers\[1\]\.when\[0\]\.amount_base_minor_at_least"):
        parse_policy("broken", 1, document)


def test_parse_policy_refuses_a_document_that_is_not_an_object() -> None:
    with pytest.raises(PolicyError, match=r"^document: must be an object"):
        parse_policy("broken", 1, ["tiers"])  # type: ignore[arg-type]


def test_deadlines_may_be_given_in_minutes_but_not_in_both_units() -> None:
    document = demo_policy()
    document["tiers"][0].pop("deadline_hours")
    document["tiers"][0]["deadline_minutes"] = 2
    assert not list(VALIDATOR.iter_errors(document))
    tier = parse_policy("p", 1, document).tiers[0]
    assert tier.branches[0].deadline_minutes == 2
    assert tier.branches[0].reminder_minutes == 24 * 60
    document["tiers"][0]["deadline_hours"] = 1
    assert list(VALIDATOR.iter_errors(document))
    with pytest.raises(PolicyError, match="deadline_hours or deadline_minutes"):
        parse_policy("p", 1, document)


def test_the_schema_offers_the_domain_s_choices_and_defaults() -> None:
    defs = POLICY_SCHEMA["$defs"]
    assert defs["approvers"]["properties"]["role"]["enum"] == [role.value for role in Role]
    assert defs["approvers"]["properties"]["mode"]["enum"] == [mode.value for mode in ApproverMode]
    service_types = defs["condition"]["properties"]["service_types"]["items"]["enum"]
    assert service_types == [service_type.value for service_type in ServiceType]
    risk_flags = defs["condition"]["properties"]["any_risk_flag"]["items"]["enum"]
    assert risk_flags == [flag.value for flag in RiskFlag]
    top = POLICY_SCHEMA["properties"]
    assert top["price_above_msa"]["enum"] == [choice.value for choice in PriceAboveMsa]
    assert top["over_budget"]["enum"] == [choice.value for choice in OverBudget]
    emergency = {"approvers": TIER["approvers"]}
    left_out = parse_policy(
        "p", 1, {"base_currency": "EUR", "tiers": [TIER], "emergency": emergency}
    )
    branch = left_out.tiers[0].branches[0]
    assert top["price_above_msa"]["default"] == left_out.price_above_msa.value
    assert top["over_budget"]["default"] == left_out.over_budget.value
    assert top["renewal_notice_days"]["default"] == list(left_out.renewal_notice_days)
    assert top["allow_same_approver_across_tiers"]["default"] is False
    assert left_out.allow_same_approver_across_tiers is False
    fields = defs["tier"]["properties"]
    assert fields["deadline_hours"]["default"] * 60 == branch.deadline_minutes
    assert fields["reminder_hours"]["default"] * 60 == branch.reminder_minutes
    assert fields["comment_required"]["default"] == branch.comment_required
    assert left_out.emergency is not None
    emergency_days = defs["emergency"]["properties"]["after_the_fact_days"]["default"]
    assert emergency_days == left_out.emergency.after_the_fact_days


TIER: dict[str, Any] = {"name": "owner", "approvers": {"cost_center_owner": True}}
