"""The allocation model's JSON Schema and the checks a schema cannot make: every cost center,
business unit, IT service, GL account and driver it names exists, percentages sum to 100, and
rule names are unique (amounts and lineage name their rule)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.costs.allocation_model import (
    HEADCOUNT_DRIVER,
    MATCH_FIELDS,
    AllocationRule,
    KeyBasis,
    LedgerEntries,
    Target,
    allocation_rules,
)
from models.budgets.org import CostCenter, GlAccount, ItService
from models.budgets.org_records import OrgVersionPerson
from models.costs.allocation_records import AllocationDriver
from models.document_errors import DocumentError

_VALUES = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}
_PERCENT = {"type": ["string", "number"], "pattern": r"^\d{1,3}(\.\d{1,4})?$", "minimum": 0}
_TARGET = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "cost_center": {"type": "string", "minLength": 1},
        "business_unit": {"type": "string", "minLength": 1},
        "service": {"type": "string", "minLength": 1},
        "percent": _PERCENT,
    },
    "minProperties": 1,
    "not": {"required": ["cost_center", "business_unit"]},
}
_MATCH = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        **{name: _VALUES for name in MATCH_FIELDS},
        "tag": {
            "type": "object",
            "additionalProperties": False,
            "required": ["key"],
            "properties": {"key": {"type": "string", "minLength": 1}, "value": _VALUES},
        },
    },
}
_KEY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["by"],
    "properties": {
        "by": {"enum": [basis.value for basis in KeyBasis]},
        "targets": {"type": "array", "items": _TARGET},
        "driver": {"type": "string", "minLength": 1},
        "metric": {"enum": ["consumed_quantity", "cost"]},
    },
    "allOf": [
        {"if": {"properties": {"by": {"const": "driver"}}}, "then": {"required": ["driver"]}},
        {
            "if": {"properties": {"by": {"enum": ["even", "percentages"]}}},
            "then": {"required": ["targets"], "properties": {"targets": {"minItems": 1}}},
        },
    ],
}
# A pool from the ledger: the period's actual entries of these cost centers (and GL accounts).
_FROM_LEDGER = {
    "type": "object",
    "additionalProperties": False,
    "required": ["entries", "cost_center"],
    "properties": {
        "entries": {"enum": [entries.value for entries in LedgerEntries]},
        "cost_center": _VALUES,
        "gl_account": _VALUES,
    },
}
_COMMON = {"name": {"type": "string", "minLength": 1, "maxLength": 200}, "match": _MATCH}
# A pool's rule takes cost lines (``match``) or ledger entries (``from_ledger``), not both.
_POOL = {**_COMMON, "from_ledger": _FROM_LEDGER}
_LINES_OR_LEDGER = {"not": {"required": ["match", "from_ledger"]}}
_RULE = {
    "oneOf": [
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "kind", "to"],
            "properties": {
                **_COMMON,
                "kind": {"const": "direct"},
                "to": {
                    "oneOf": [
                        _TARGET,
                        {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["cost_center_tag"],
                            "properties": {"cost_center_tag": {"type": "string", "minLength": 1}},
                        },
                    ]
                },
            },
        },
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "kind", "key"],
            "properties": {**_POOL, "kind": {"const": "shared"}, "key": _KEY},
            **_LINES_OR_LEDGER,
        },
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "kind", "driver"],
            "properties": {
                **_POOL,
                "kind": {"const": "activity"},
                "driver": {"type": "string", "minLength": 1},
            },
            **_LINES_OR_LEDGER,
        },
    ]
}
ALLOCATION_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "poflow allocation model",
    "type": "object",
    "additionalProperties": False,
    "required": ["rules"],
    "properties": {
        "description": {"type": "string"},
        "rules": {"type": "array", "items": _RULE, "minItems": 1, "maxItems": 500},
    },
}


def allocation_model_errors(session: Session, document: dict[str, Any]) -> list[DocumentError]:
    """What the schema cannot see: unknown names, percentages not summing to 100, two rules of
    one name."""
    rules = allocation_rules(document)
    known = _known_names(session)
    errors: list[DocumentError] = []
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        path = f"$.rules[{index}]"
        if rule.name in seen:
            errors.append(DocumentError(f"{path}.name", f"a second rule named {rule.name!r}"))
        seen.add(rule.name)
        errors += _rule_errors(path, rule, known)
    return errors


def _rule_errors(
    path: str, rule: AllocationRule, known: dict[str, set[str]]
) -> list[DocumentError]:
    targets = [rule.target] if rule.target else list(rule.key.targets if rule.key else ())
    errors = [e for target in targets for e in _target_errors(path, target, known)]
    errors += _ledger_errors(path, rule, known)
    driver = rule.driver
    if driver is not None and driver not in known["drivers"]:
        errors.append(DocumentError(path, f"no driver table named {driver!r} was uploaded"))
    if rule.key and rule.key.basis == KeyBasis.PERCENTAGES:
        percents = [target.percent for target in rule.key.targets]
        if None in percents or sum(p for p in percents if p is not None) != Decimal(100):
            errors.append(DocumentError(f"{path}.key", "every target's percent, summing to 100"))
    return errors


def _ledger_errors(
    path: str, rule: AllocationRule, known: dict[str, set[str]]
) -> list[DocumentError]:
    """A ledger pool's cost centers and GL accounts that do not exist."""
    if rule.ledger is None:
        return []
    where = f"{path}.from_ledger"
    return [
        DocumentError(where, f"no cost center {code!r}")
        for code in rule.ledger.cost_centers
        if code not in known["cost_centers"]
    ] + [
        DocumentError(where, f"no GL account {code!r}")
        for code in rule.ledger.gl_accounts
        if code not in known["gl_accounts"]
    ]


def _target_errors(path: str, target: Target, known: dict[str, set[str]]) -> list[DocumentError]:
    errors = []
    center = target.cost_center
    roots = known["business_units"] if target.business_unit else known["cost_centers"]
    if center is not None and center not in roots:
        what = "business unit (a root cost center)" if target.business_unit else "cost center"
        errors.append(DocumentError(path, f"no {what} {center!r}"))
    if target.service is not None and target.service not in known["services"]:
        errors.append(DocumentError(path, f"no IT service {target.service!r}"))
    return errors


def _known_names(session: Session) -> dict[str, set[str]]:
    centers = session.execute(select(CostCenter.code, CostCenter.parent_id)).all()
    return {
        "cost_centers": {code for code, _ in centers},
        "business_units": {code for code, parent in centers if parent is None},
        "services": set(session.scalars(select(ItService.code))),
        "gl_accounts": set(session.scalars(select(GlAccount.code))),
        "drivers": set(session.scalars(select(AllocationDriver.driver).distinct()))
        | _org_chart_headcount(session),
    }


def _org_chart_headcount(session: Session) -> set[str]:
    """``headcount`` when an imported org chart places people, whose headcount stands in for the
    driver table of that name."""
    placed = session.scalar(select(OrgVersionPerson.version_id).limit(1))
    return {HEADCOUNT_DRIVER} if placed is not None else set()
