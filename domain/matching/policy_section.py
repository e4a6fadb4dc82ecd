"""The approval policy's ``invoice_matching`` section, schema-valid, built into a
``MatchingPolicy``, with the rules the schema cannot state: every rule gives a price limit and a
quantity limit (or it would let any difference through), and no two rules select the same
vendor and service type."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from domain.catalog import ServiceType
from domain.matching.tolerances import MatchingPolicy, Tolerance
from domain.vendor_names import normalised_vendor_name

SECTION = "invoice_matching"
_LIMITS = {
    "price": ("price_percent", "price_amount_minor"),
    "quantity": ("quantity_percent", "quantity_units"),
}


class MatchingSectionError(ValueError):
    """What is wrong with the section; the message starts with the JSON path."""


def matching_policy(section: Mapping[str, Any]) -> MatchingPolicy:
    options: dict[str, Any] = {}
    if "three_way_service_types" in section:
        three_way = section["three_way_service_types"]
        options["three_way_service_types"] = tuple(map(ServiceType, three_way))
    if "tolerances" in section:
        path = f"{SECTION}.tolerances"
        rules = [_tolerance(rule, f"{path}[{i}]") for i, rule in enumerate(section["tolerances"])]
        _check_distinct(rules, path)
        options["tolerances"] = tuple(rules)
    return MatchingPolicy(**options)


def _tolerance(rule: Mapping[str, Any], path: str) -> Tolerance:
    for what, (percent, amount) in _LIMITS.items():
        if percent not in rule and amount not in rule:
            raise MatchingSectionError(
                f'{path}: give {percent} or {amount} ("0" or 0 allows no {what} difference)'
            )
    vendor = None
    if "vendor" in rule:
        vendor = normalised_vendor_name(rule["vendor"])
        if not vendor:
            raise MatchingSectionError(f"{path}.vendor: {rule['vendor']!r} names no vendor")
    return Tolerance(
        vendor=vendor,
        service_type=ServiceType(rule["service_type"]) if "service_type" in rule else None,
        price_percent=_decimal(rule, "price_percent"),
        price_amount_minor=rule.get("price_amount_minor"),
        quantity_percent=_decimal(rule, "quantity_percent"),
        quantity_units=_decimal(rule, "quantity_units"),
    )


def _decimal(rule: Mapping[str, Any], key: str) -> Decimal | None:
    """A percent or a quantity, written as a decimal string ("2.5") so it is never a float."""
    return Decimal(rule[key]) if key in rule else None


def _check_distinct(rules: list[Tolerance], path: str) -> None:
    seen: dict[tuple[str | None, ServiceType | None], int] = {}
    for index, rule in enumerate(rules):
        selector = (rule.vendor, rule.service_type)
        if selector in seen:
            raise MatchingSectionError(
                f"{path}[{index}]: selects the same vendor and service type as "
                f"tolerances[{seen[selector]}]"
            )
        seen[selector] = index
