"""The approval policy's ``invoice_matching`` section: its defaults, its parsing into domain
types and the messages that name what is wrong (docs/invoice-matching.md)."""

from decimal import Decimal
from typing import Any

import pytest

from domain.catalog import ServiceType
from domain.matching.tolerances import (
    DEFAULT_MATCHING,
    DEFAULT_THREE_WAY,
    EXACT,
    MatchingPolicy,
    MatchMode,
    Tolerance,
)
from domain.policy_document import PolicyError
from models.purchase_orders.policy_schema import POLICY_SCHEMA, parse_policy

BASE = {"base_currency": "EUR", "tiers": [{"name": "t", "approvers": {"role": "finance"}}]}
SECTION = {
    "three_way_service_types": ["hardware", "professional_services", "software_licence"],
    "tolerances": [
        {"price_percent": "2", "price_amount_minor": 2_000, "quantity_units": "0"},
        {"service_type": "cloud_infrastructure", "price_percent": "5", "quantity_percent": "10"},
        {"vendor": "Fabrikam Consulting, Ltd.", "price_amount_minor": 0, "quantity_units": "0.5"},
    ],
}


def parsed(section: Any) -> MatchingPolicy:
    return parse_policy("p", 1, {**BASE, "invoice_matching": section}).invoice_matching


def test_without_the_section_hardware_and_services_match_3_way_and_exactly() -> None:
    rules = parse_policy("p", 1, BASE).invoice_matching
    assert rules == DEFAULT_MATCHING
    assert rules.mode_for(ServiceType.HARDWARE) is MatchMode.THREE_WAY
    assert rules.mode_for(ServiceType.PROFESSIONAL_SERVICES) is MatchMode.THREE_WAY
    assert rules.mode_for(ServiceType.SAAS_SUBSCRIPTION) is MatchMode.TWO_WAY
    assert rules.mode_for(ServiceType.CLOUD_INFRASTRUCTURE) is MatchMode.TWO_WAY
    assert rules.tolerance_for("Contoso", ServiceType.HARDWARE) == EXACT
    assert parsed({}) == DEFAULT_MATCHING


def test_the_section_parses_to_decimal_limits_and_normalised_vendors() -> None:
    assert parsed(SECTION) == MatchingPolicy(
        (ServiceType.HARDWARE, ServiceType.PROFESSIONAL_SERVICES, ServiceType.SOFTWARE_LICENCE),
        (
            Tolerance(
                price_percent=Decimal("2"), price_amount_minor=2_000, quantity_units=Decimal(0)
            ),
            Tolerance(
                service_type=ServiceType.CLOUD_INFRASTRUCTURE,
                price_percent=Decimal(5),
                quantity_percent=Decimal(10),
            ),
            Tolerance(
                vendor="fabrikam consulting", price_amount_minor=0, quantity_units=Decimal("0.5")
            ),
        ),
    )


def rule(**fields: Any) -> dict[str, Any]:
    return {"tolerances": [{"price_percent": "2", "quantity_units": "0", **fields}]}


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            rule(price_percent="-2"),
            r"^invoice_matching\.tolerances\[0\]\.price_percent: must be a decimal of zero or "
            r'more, as a string such as "2\.5", not \'-2\'$',
        ),
        (
            rule(quantity_units="1,5"),
            r"^invoice_matching\.tolerances\[0\]\.quantity_units: must be a decimal",
        ),
        (
            rule(price_percent=2.5),
            r"^invoice_matching\.tolerances\[0\]\.price_percent: must be a string, not 2\.5$",
        ),
        (
            rule(price_amount_minor=-1),
            r"^invoice_matching\.tolerances\[0\]\.price_amount_minor: must be at least 0, not -1$",
        ),
        (
            rule(service_type="printers"),
            r"^invoice_matching\.tolerances\[0\]\.service_type: must be one of "
            r"cloud_infrastructure, .*, not 'printers'$",
        ),
        (
            {"three_way_service_types": ["hardware", "gpus"]},
            r"^invoice_matching\.three_way_service_types\[1\]: must be one of ",
        ),
        (
            {"tolerances": [{"quantity_units": "0"}]},
            r'^invoice_matching\.tolerances\[0\]: give price_percent or price_amount_minor \("0" '
            r"or 0 allows no price difference\)$",
        ),
        (
            {"tolerances": [{"vendor": "Contoso", "price_amount_minor": 0}]},
            r"^invoice_matching\.tolerances\[0\]: give quantity_percent or quantity_units",
        ),
        (
            {"tolerances": [rule()["tolerances"][0], {**rule()["tolerances"][0]}]},
            r"^invoice_matching\.tolerances\[1\]: selects the same vendor and service type as "
            r"tolerances\[0\]$",
        ),
        (
            {
                "tolerances": [
                    rule(vendor="Contoso Inc.")["tolerances"][0],
                    rule(vendor="CONTOSO")["tolerances"][0],
                ]
            },
            r"^invoice_matching\.tolerances\[1\]: selects the same",
        ),
        (rule(vendor="..."), r"^invoice_matching\.tolerances\[0\]\.vendor: '\.\.\.' names no"),
        (rule(currency="EUR"), r"^invoice_matching\.tolerances\[0\]: unknown key\(s\): currency$"),
        ({"two_way": []}, r"^invoice_matching: unknown key\(s\): two_way$"),
    ],
)
def test_a_bad_section_is_refused_naming_its_path_and_rule(section: Any, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parsed(section)


def test_the_schema_offers_the_domain_s_service_types_and_default() -> None:
    section = POLICY_SCHEMA["properties"]["invoice_matching"]["properties"]
    three_way = section["three_way_service_types"]
    assert three_way["items"]["enum"] == [service_type.value for service_type in ServiceType]
    assert three_way["default"] == [service_type.value for service_type in DEFAULT_THREE_WAY]
    service_type = POLICY_SCHEMA["$defs"]["tolerance"]["properties"]["service_type"]
    assert service_type["enum"] == [service_type.value for service_type in ServiceType]
