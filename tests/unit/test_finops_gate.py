"""A FinOps review gate in the approval policy: a tier for cloud spending with a named provider
(by normalised vendor name) and a monthly run-rate at least a threshold."""

from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

import jsonschema  # type: ignore[import-untyped, unused-ignore]

from domain.catalog import Role, ServiceType
from domain.requisition import LineItem, Requisition
from domain.routing import RoutingFacts, monthly_run_rate, route
from models.purchase_orders.policy_schema import POLICY_SCHEMA, parse_policy
from tests.builders.requisitions import requisition

GATE = {
    "service_types": ["cloud_infrastructure"],
    "vendors": ["Amazon Web Services, Inc.", "Microsoft Azure"],
    "monthly_run_rate_base_minor_at_least": 100_000,  # 1,000.00 EUR a month
}
DOCUMENT: dict[str, Any] = {
    "base_currency": "EUR",
    "tiers": [
        {"name": "owner", "approvers": {"cost_center_owner": True}},
        {"name": "finops", "approvers": {"role": "finops"}, "when": [GATE]},
    ],
}
POLICY = parse_policy("cloud-gate", 1, DOCUMENT)
FACTS = RoutingFacts(
    amount_base_minor=0,
    over_budget=False,
    new_vendor=False,
    cost_center_owner="priya",
    manager_chain=("priya",),
    role_members={Role.FINOPS.value: ("olga",)},
)


def _cloud(vendor: str, total_minor: int, start: date, end: date) -> Requisition:
    line = LineItem("compute", 1, total_minor, start, end)
    return replace(requisition(ServiceType.CLOUD_INFRASTRUCTURE), vendor=vendor, lines=(line,))


def _tiers(purchase: Requisition) -> list[str]:
    facts = replace(FACTS, amount_base_minor=purchase.amount().minor)
    return [tier.name for tier in route(purchase, POLICY, facts)]


def test_a_cloud_purchase_from_a_named_provider_at_the_run_rate_adds_finops() -> None:
    year = (date(2027, 1, 1), date(2027, 12, 31))
    assert _tiers(_cloud("AMAZON WEB SERVICES", 1_200_000, *year)) == ["owner", "finops"]
    assert _tiers(_cloud("Amazon Web Services LLC", 1_100_000, *year)) == ["owner"]
    assert _tiers(_cloud("Northwind Cloud Services", 5_000_000, *year)) == ["owner"]
    hardware = replace(
        _cloud("Microsoft Azure", 5_000_000, *year), service_type=ServiceType.HARDWARE
    )
    assert _tiers(hardware) == ["owner"]


def test_the_finops_tier_names_the_finops_role_holders() -> None:
    chain = route(
        _cloud("Microsoft Azure", 2_000_000, date(2027, 1, 1), date(2027, 12, 31)),
        POLICY,
        replace(FACTS, amount_base_minor=2_000_000),
    )
    assert [branch.eligible for branch in chain[1].branches] == [["olga"]]


def test_the_monthly_run_rate_spreads_the_amount_over_the_service_period() -> None:
    # 365 days are 11.99… average months; a period under a month counts as one.
    assert monthly_run_rate(1_200_000, date(2027, 1, 1), date(2027, 12, 31)) == Fraction(
        1_200_000 * 36525, 365 * 1200
    )
    assert monthly_run_rate(100_000, date(2027, 3, 1), date(2027, 3, 1)) == 100_000
    quarter = monthly_run_rate(300_000, date(2027, 1, 1), date(2027, 3, 31))  # 90 days
    assert quarter == Fraction(300_000 * 36525, 90 * 1200) and quarter > 100_000


def test_the_schema_takes_the_gate_and_refuses_a_negative_run_rate_or_no_vendor() -> None:
    validator = jsonschema.Draft202012Validator(POLICY_SCHEMA)
    assert list(validator.iter_errors(DOCUMENT)) == []
    wrongs: list[dict[str, Any]] = [{"monthly_run_rate_base_minor_at_least": -1}, {"vendors": []}]
    for wrong in wrongs:
        bad = {**DOCUMENT, "tiers": [{**DOCUMENT["tiers"][1], "when": [wrong]}]}
        assert list(validator.iter_errors(bad)) != []
