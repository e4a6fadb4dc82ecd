"""What a unit-cost model must satisfy: its JSON Schema and the checks a schema cannot make.

A model names, per IT service, the unit it is priced in, where the consumed quantity comes from
(the cost lines' ``ConsumedQuantity`` in a ``ConsumedUnit``, or a driver table of quantities per
month) and its cost pools: the cost lines each pool takes (by FOCUS columns), or what allocation
gave the service, fixed or variable.
Quantities are decimal text, never a float."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.budgets.org import ItService
from models.document_errors import DocumentError

DECIMAL_TEXT = r"^[0-9]+(\.[0-9]+)?$"
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
# The FOCUS columns a pool or a consumption may select lines by, each a list of values.
LINE_FILTERS = (
    "charge_category",
    "service_name",
    "service_category",
    "billing_account_id",
    "sub_account_id",
    "resource_type",
    "sku_id",
    "region_id",
)

_LINES = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        name: {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}
        for name in LINE_FILTERS
    },
}
_CONSUMPTION = {
    "oneOf": [
        {
            "type": "object",
            "required": ["consumed_unit", "lines"],
            "additionalProperties": False,
            "properties": {"consumed_unit": {"type": "string", "minLength": 1}, "lines": _LINES},
        },
        {
            "type": "object",
            "required": ["driver"],
            "additionalProperties": False,
            "properties": {
                "driver": {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": MONTH},
                    "additionalProperties": {"type": "string", "pattern": DECIMAL_TEXT},
                }
            },
        },
    ]
}
# A pool takes cost lines, or (``allocated``) what the month's newest allocation run gave the
# service: shared costs (network, identity, labour) the allocation model attributes to it.
_POOL = {
    "type": "object",
    "required": ["name", "part"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 80},
        "part": {"enum": ["fixed", "variable"]},
        "lines": _LINES,
        "allocated": {"const": True},
    },
    "oneOf": [{"required": ["lines"]}, {"required": ["allocated"]}],
}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "poflow unit-cost model",
    "type": "object",
    "required": ["currency", "services"],
    "additionalProperties": False,
    "properties": {
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "services": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["service", "unit", "consumption", "pools"],
                "additionalProperties": False,
                "properties": {
                    "service": {"type": "string", "minLength": 1},
                    "unit": {"type": "string", "minLength": 1, "maxLength": 40},
                    "consumption": _CONSUMPTION,
                    "pools": {"type": "array", "minItems": 1, "items": _POOL},
                },
            },
        },
    },
}


def unit_cost_checks(session: Session, document: dict[str, Any]) -> list[DocumentError]:
    """Each service named once and known to poflow; pool names unique within a service."""
    known = set(session.scalars(select(ItService.code)))
    errors: list[DocumentError] = []
    seen: set[str] = set()
    for index, service in enumerate(document["services"]):
        path = f"$.services[{index}]"
        if service["service"] not in known:
            errors.append(DocumentError(f"{path}.service", f"no IT service {service['service']}"))
        if service["service"] in seen:
            errors.append(DocumentError(f"{path}.service", "a service is priced once per model"))
        seen.add(service["service"])
        names = [pool["name"] for pool in service["pools"]]
        if len(set(names)) != len(names):
            errors.append(DocumentError(f"{path}.pools", "each pool of a service has its own name"))
    return errors
