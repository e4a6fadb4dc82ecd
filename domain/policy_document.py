"""The stored form of an approval policy: a JSON document, its schema, and its parser.

``POLICY_SCHEMA`` is what the API and the seed validate a document against (with the
``jsonschema`` library, outside the domain). ``parse_policy`` turns a document into the
``domain.policy`` dataclasses using the standard library only, re-checking the structure it
reads so that a bad document fails with a ``PolicyError`` naming the JSON path, never a
``KeyError`` or ``TypeError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from domain.catalog import Role, ServiceType
from domain.policy import (
    ApproverMode,
    ApproverSpec,
    BranchSpec,
    Condition,
    EmergencySpec,
    LowRiskRule,
    OverBudget,
    Policy,
    PriceAboveMsa,
    TierSpec,
)
from domain.requisition import RiskFlag

_DEFAULT_BRANCH = BranchSpec("", ApproverSpec())
_DEFAULT_POLICY = Policy("", 0, "EUR", ())
_DEFAULT_EMERGENCY = EmergencySpec(ApproverSpec())
_E = TypeVar("_E", bound=StrEnum)


def _values(kind: type[StrEnum]) -> list[str]:
    return [member.value for member in kind]


def _flag(description: str, default: bool | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "boolean", "description": description}
    return schema if default is None else {**schema, "default": default}


def _count(description: str, minimum: int = 1, default: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum, "description": description}
    return schema if default is None else {**schema, "default": default}


_APPROVERS: dict[str, Any] = {
    "type": "object",
    "description": "Who may decide. Sources add up; the requester is never among them.",
    "additionalProperties": False,
    "properties": {
        "users": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "uniqueItems": True,
            "description": "Usernames named outright.",
        },
        "role": {"enum": _values(Role), "description": "Every active holder of this role."},
        "cost_center_owner": _flag("The owner of the requisition's cost center."),
        "manager_levels": {
            **_count("How far up the requester's manager chain: 1 = direct manager.", 0),
            "maximum": 5,
        },
        "mode": {
            "enum": _values(ApproverMode),
            "default": ApproverMode.ANY_OF.value,
            "description": "any_of: one approval suffices; all_of: every person must approve.",
        },
    },
    "anyOf": [
        {"required": ["users"], "properties": {"users": {"minItems": 1}}},
        {"required": ["role"]},
        {"required": ["cost_center_owner"], "properties": {"cost_center_owner": {"const": True}}},
        {"required": ["manager_levels"], "properties": {"manager_levels": {"minimum": 1}}},
    ],
}

_CONDITION: dict[str, Any] = {
    "type": "object",
    "description": "Holds when every field given holds. Amounts are integer minor units.",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        "amount_base_minor_at_least": _count("Amount in base currency is at least this.", 0),
        "amount_base_minor_below": _count("Amount in base currency is below this.", 0),
        "service_types": {
            "type": "array",
            "items": {"enum": _values(ServiceType)},
            "minItems": 1,
            "uniqueItems": True,
            "description": "The requisition's service type is one of these.",
        },
        "any_risk_flag": {
            "type": "array",
            "items": {"enum": _values(RiskFlag)},
            "minItems": 1,
            "uniqueItems": True,
            "description": "The requisition carries at least one of these risk flags.",
        },
        "over_budget": _flag("The requisition is (true) or is not (false) short of budget."),
        "new_vendor": _flag("The vendor has (true) or has not (false) been bought from before."),
        "emergency": _flag("The requisition is (true) or is not (false) an emergency."),
    },
}

_BRANCH_FIELDS: dict[str, Any] = {
    "approvers": {"$ref": "#/$defs/approvers", "description": "Who decides in this branch."},
    "deadline_hours": _count(
        "Hours to decide before escalating to the fallback, then procurement.",
        default=_DEFAULT_BRANCH.deadline_minutes // 60,
    ),
    "deadline_minutes": _count("The deadline in minutes, instead of deadline_hours."),
    "reminder_hours": _count(
        "Hours between reminders to those yet to decide.",
        default=_DEFAULT_BRANCH.reminder_minutes // 60,
    ),
    "reminder_minutes": _count("The reminder interval in minutes, instead of reminder_hours."),
    "fallback": {
        "$ref": "#/$defs/approvers",
        "description": "Who decides after the deadline, or at once if the approvers are all the "
        "requester.",
    },
    "comment_required": _flag(
        "An approval must carry a comment.", _DEFAULT_BRANCH.comment_required
    ),
}

_NAME: dict[str, Any] = {"type": "string", "minLength": 1}

# A deadline or a reminder interval is given in hours or in minutes, not both.
_ONE_UNIT: dict[str, Any] = {
    "not": {
        "anyOf": [
            {"required": ["deadline_hours", "deadline_minutes"]},
            {"required": ["reminder_hours", "reminder_minutes"]},
        ]
    }
}

_BRANCH: dict[str, Any] = {
    "type": "object",
    "description": "One of several branches of a tier that run at once.",
    "additionalProperties": False,
    "required": ["name", "approvers"],
    "properties": {"name": {**_NAME, "description": "Unique within the tier."}, **_BRANCH_FIELDS},
    "allOf": [_ONE_UNIT],
}

_TIER: dict[str, Any] = {
    "type": "object",
    "description": "A stage of approval: one branch inline, or `parallel` branches.",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": {**_NAME, "description": "Unique within the policy."},
        "when": {
            "type": "array",
            "items": {"$ref": "#/$defs/condition"},
            "minItems": 1,
            "description": "The tier applies when any condition holds; left out, always.",
        },
        **_BRANCH_FIELDS,
        "parallel": {
            "type": "array",
            "items": {"$ref": "#/$defs/branch"},
            "minItems": 2,
            "description": "Branches that run at once; the tier is done when all approve.",
        },
    },
    "allOf": [_ONE_UNIT],
    "oneOf": [
        {
            "description": "One branch inline.",
            "required": ["approvers"],
            "not": {"required": ["parallel"]},
        },
        {
            "description": "Parallel branches; branch fields go on each branch.",
            "required": ["parallel"],
            "propertyNames": {"enum": ["name", "when", "parallel"]},
        },
    ],
}

_EMERGENCY: dict[str, Any] = {
    "type": "object",
    "description": "How an emergency PO issues on one approval, the normal chain approving "
    "after the fact within a number of days.",
    "additionalProperties": False,
    "required": ["approvers"],
    "properties": {
        "approvers": {"$ref": "#/$defs/approvers", "description": "One of them suffices."},
        "after_the_fact_days": _count(
            "Days the normal chain has to approve after the PO issued.",
            default=_DEFAULT_EMERGENCY.after_the_fact_days,
        ),
    },
}

_CHANGE_CONTROL: dict[str, Any] = {
    "type": "object",
    "description": "Purchases that need an approved change in the ITSM tool before issue.",
    "additionalProperties": False,
    "required": ["approved_change_required_when"],
    "properties": {
        "approved_change_required_when": {
            "type": "array",
            "items": {"$ref": "#/$defs/condition"},
            "minItems": 1,
            "description": "Any of these holding: the requisition must name a change ticket, "
            "and the PO is issued only once that change is approved.",
        },
    },
}


_CHANGE_ORDERS: dict[str, Any] = {
    "type": "object",
    "description": "When a change order's increase goes through approval again; with neither "
    "threshold, every increase does.",
    "additionalProperties": False,
    "properties": {
        "reapprove_increase_above_minor": {
            "type": "integer",
            "minimum": 0,
            "description": "An increase above this amount (base currency, minor units).",
        },
        "reapprove_increase_above_percent": {
            "type": "integer",
            "minimum": 0,
            "description": "An increase above this percent of the PO's amount.",
        },
    },
}

_LOW_RISK: dict[str, Any] = {
    "type": "object",
    "description": "Which POs approvers may approve several at a time from the inbox (each "
    "approval still passes the workflow's checks): below an amount, within budget, with no risk "
    "flag, no policy flag such as a price above the MSA, and not an emergency. Left out, none.",
    "additionalProperties": False,
    "required": ["amount_base_minor_below"],
    "properties": {
        "amount_base_minor_below": _count("Amount in base currency is below this.", 1),
        "service_types": {
            "type": "array",
            "items": {"enum": _values(ServiceType)},
            "minItems": 1,
            "uniqueItems": True,
            "description": "Only these service types; left out, any.",
        },
    },
}

POLICY_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "poflow approval policy",
    "description": "A versioned approval policy: the tiers a requisition "
    "passes in order, who decides each, deadlines, reminders and fallbacks.",
    "type": "object",
    "additionalProperties": False,
    "required": ["base_currency", "tiers"],
    "properties": {
        "description": {"type": "string", "description": "What the policy is for."},
        "base_currency": {
            "type": "string",
            "pattern": "^[A-Z]{3}$",
            "description": "ISO 4217 code of the amount thresholds.",
        },
        "price_above_msa": {
            "enum": _values(PriceAboveMsa),
            "default": _DEFAULT_POLICY.price_above_msa.value,
            "description": "A price above the MSA catalog price is flagged or refused.",
        },
        "over_budget": {
            "enum": _values(OverBudget),
            "default": _DEFAULT_POLICY.over_budget.value,
            "description": "Short of budget, route on (tiers may ask over_budget) or refuse.",
        },
        "allow_same_approver_across_tiers": _flag(
            "One person may approve two tiers of one PO.",
            _DEFAULT_POLICY.allow_same_approver_across_tiers,
        ),
        "renewal_notice_days": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1},
            "uniqueItems": True,
            "default": list(_DEFAULT_POLICY.renewal_notice_days),
            "description": "Days before a contract's end when its renewal wakes.",
        },
        "tiers": {
            "type": "array",
            "items": {"$ref": "#/$defs/tier"},
            "minItems": 1,
            "description": "Tiers in the order they run.",
        },
        "emergency": {"$ref": "#/$defs/emergency"},
        "change_orders": _CHANGE_ORDERS,
        "change_control": _CHANGE_CONTROL,
        "low_risk": _LOW_RISK,
    },
    "$defs": {
        "approvers": _APPROVERS,
        "condition": _CONDITION,
        "branch": _BRANCH,
        "tier": _TIER,
        "emergency": _EMERGENCY,
    },
}


class PolicyError(ValueError):
    """A policy document that cannot become a ``Policy``; the message starts with the JSON path."""


def parse_policy(name: str, version: int, document: Mapping[str, Any]) -> Policy:
    """Turn a policy document into a ``Policy``, filling the schema's defaults.

    An inline tier becomes one branch named after the tier. Tier names are unique in the policy
    and branch names in their tier, since decisions are recorded against them. Anything the
    document gets wrong raises ``PolicyError("<json path>: <what is wrong>")``.
    """
    root = _Node.of(document, "", _keys(POLICY_SCHEMA))
    root.text("description", required=False)
    currency = root.text("base_currency")
    if not re.fullmatch("[A-Z]{3}", currency):
        raise PolicyError(f"base_currency: must be an ISO 4217 code such as EUR, not {currency!r}")
    tiers = tuple(_tier(item, path) for item, path in root.array("tiers", min_items=1))
    _check_unique([tier.name for tier in tiers], "tiers", "tier")
    days = (_integer(item, path, 1) for item, path in root.array("renewal_notice_days"))
    return Policy(
        name=name,
        version=version,
        base_currency=currency,
        tiers=tiers,
        emergency=_emergency(root) if root.has("emergency") else None,
        price_above_msa=root.enum(
            "price_above_msa", PriceAboveMsa, _DEFAULT_POLICY.price_above_msa
        ),
        over_budget=root.enum("over_budget", OverBudget, _DEFAULT_POLICY.over_budget),
        allow_same_approver_across_tiers=root.flag(
            "allow_same_approver_across_tiers", _DEFAULT_POLICY.allow_same_approver_across_tiers
        ),
        renewal_notice_days=tuple(days)
        if root.has("renewal_notice_days")
        else _DEFAULT_POLICY.renewal_notice_days,
        **_change_orders(root),
        approved_change_required_when=_change_control(root),
        low_risk=_low_risk(root),
    )


def _low_risk(root: _Node) -> LowRiskRule | None:
    if not root.has("low_risk"):
        return None
    node = _Node.of(root.get("low_risk"), root.at("low_risk"), _keys(_LOW_RISK))
    below = _integer(node.get("amount_base_minor_below"), node.at("amount_base_minor_below"), 1)
    return LowRiskRule(below, tuple(node.enum_items("service_types", ServiceType)))


def _change_orders(root: _Node) -> dict[str, Any]:
    if not root.has("change_orders"):
        return {}
    node = _Node.of(root.get("change_orders"), root.at("change_orders"), _keys(_CHANGE_ORDERS))
    return {
        "change_order_reapproval_above_minor": node.integer("reapprove_increase_above_minor", 0, 0),
        "change_order_reapproval_above_percent": node.optional_integer(
            "reapprove_increase_above_percent"
        ),
    }


def _change_control(root: _Node) -> tuple[Condition, ...]:
    if not root.has("change_control"):
        return ()
    node = _Node.of(root.get("change_control"), root.at("change_control"), _keys(_CHANGE_CONTROL))
    items = node.array("approved_change_required_when", min_items=1)
    return tuple(_condition(item, at) for item, at in items)


def _tier(value: object, path: str) -> TierSpec:
    node = _Node.of(value, path, _keys(_TIER))
    name = node.text("name")
    when = tuple(_condition(item, at) for item, at in node.array("when", min_items=1))
    if not node.has("parallel"):
        if not node.has("approvers"):
            raise PolicyError(f"{path}: needs approvers (one branch) or parallel (several)")
        return TierSpec(name, (_branch_fields(node, name),), when)
    inline = sorted(set(node.value) & set(_BRANCH_FIELDS))
    if inline:
        raise PolicyError(
            f"{path}: a tier with parallel branches takes no {', '.join(inline)}; "
            "put them on each branch"
        )
    branches = tuple(_branch(item, at) for item, at in node.array("parallel", min_items=2))
    _check_unique([branch.name for branch in branches], node.at("parallel"), "branch")
    return TierSpec(name, branches, when)


def _branch(value: object, path: str) -> BranchSpec:
    node = _Node.of(value, path, _keys(_BRANCH))
    return _branch_fields(node, node.text("name"))


def _branch_fields(node: _Node, name: str) -> BranchSpec:
    return BranchSpec(
        name=name,
        approvers=_approvers(node.get("approvers"), node.at("approvers")),
        deadline_minutes=_minutes(node, "deadline", _DEFAULT_BRANCH.deadline_minutes),
        reminder_minutes=_minutes(node, "reminder", _DEFAULT_BRANCH.reminder_minutes),
        fallback=_approvers(node.get("fallback"), node.at("fallback"))
        if node.has("fallback")
        else None,
        comment_required=node.flag("comment_required", _DEFAULT_BRANCH.comment_required),
    )


def _minutes(node: _Node, what: str, default: int) -> int:
    """``<what>_minutes``, or ``<what>_hours`` in minutes; never both."""
    if node.has(f"{what}_minutes") and node.has(f"{what}_hours"):
        raise PolicyError(f"{node.at(what + '_minutes')}: give {what}_hours or {what}_minutes")
    if node.has(f"{what}_minutes"):
        return node.integer(f"{what}_minutes", default, 1)
    return node.integer(f"{what}_hours", default // 60, 1) * 60


def _approvers(value: object, path: str) -> ApproverSpec:
    node = _Node.of(value, path, _keys(_APPROVERS))
    spec = ApproverSpec(
        users=tuple(node.text_items("users")),
        role=node.optional_enum("role", Role),
        cost_center_owner=node.flag("cost_center_owner", False),
        manager_levels=node.integer("manager_levels", 0, 0, 5),
        mode=node.enum("mode", ApproverMode, ApproverMode.ANY_OF),
    )
    if not (spec.users or spec.role or spec.cost_center_owner or spec.manager_levels):
        raise PolicyError(
            f"{path}: names nobody; give users, role, cost_center_owner or manager_levels"
        )
    return spec


def _condition(value: object, path: str) -> Condition:
    node = _Node.of(value, path, _keys(_CONDITION))
    if not node.value:
        raise PolicyError(f"{path}: an empty condition; leave out `when` for an unconditional tier")
    return Condition(
        amount_base_minor_at_least=node.optional_integer("amount_base_minor_at_least"),
        amount_base_minor_below=node.optional_integer("amount_base_minor_below"),
        service_types=tuple(node.enum_items("service_types", ServiceType)),
        any_risk_flag=tuple(node.enum_items("any_risk_flag", RiskFlag)),
        over_budget=node.optional_flag("over_budget"),
        new_vendor=node.optional_flag("new_vendor"),
        emergency=node.optional_flag("emergency"),
    )


def _emergency(root: _Node) -> EmergencySpec:
    node = _Node.of(root.get("emergency"), root.at("emergency"), _keys(_EMERGENCY))
    return EmergencySpec(
        approvers=_approvers(node.get("approvers"), node.at("approvers")),
        after_the_fact_days=node.integer(
            "after_the_fact_days", _DEFAULT_EMERGENCY.after_the_fact_days, 1
        ),
    )


def _keys(schema: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(schema["properties"])


def _check_unique(names: list[str], path: str, what: str) -> None:
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise PolicyError(f"{path}: {what} names must be unique; repeated: {', '.join(repeated)}")


def _integer(value: object, path: str, minimum: int, maximum: int | None = None) -> int:
    # bool is an int in Python and 1.0 an integer in JSON Schema; neither is a count or an amount.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyError(f"{path}: must be a whole number, not {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"{minimum}..{maximum}" if maximum is not None else f"at least {minimum}"
        raise PolicyError(f"{path}: must be {bounds}, not {value}")
    return value


@dataclass(frozen=True)
class _Node:
    """One JSON object of the document and its path, with typed, path-reporting readers."""

    value: Mapping[str, Any]
    path: str

    @classmethod
    def of(cls, value: object, path: str, allowed: Iterable[str]) -> _Node:
        where = path or "document"
        if not isinstance(value, Mapping):
            raise PolicyError(f"{where}: must be an object, not {type(value).__name__}")
        unknown = sorted(str(key) for key in value if key not in set(allowed))
        if unknown:
            raise PolicyError(f"{where}: unknown key(s): {', '.join(unknown)}")
        return cls(value, path)

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.value

    def get(self, key: str) -> Any:
        if key not in self.value:
            raise PolicyError(f"{self.path or 'document'}: {key} is required")
        return self.value[key]

    def text(self, key: str, required: bool = True) -> str:
        if not required and key not in self.value:
            return ""
        found = self.get(key)
        if not isinstance(found, str) or (required and not found):
            raise PolicyError(f"{self.at(key)}: must be a non-empty string, not {found!r}")
        return found

    def integer(self, key: str, default: int, minimum: int, maximum: int | None = None) -> int:
        if key not in self.value:
            return default
        return _integer(self.value[key], self.at(key), minimum, maximum)

    def optional_integer(self, key: str) -> int | None:
        return _integer(self.value[key], self.at(key), 0) if key in self.value else None

    def flag(self, key: str, default: bool) -> bool:
        found = self.optional_flag(key)
        return default if found is None else found

    def optional_flag(self, key: str) -> bool | None:
        found = self.value.get(key)
        if found is not None and not isinstance(found, bool):
            raise PolicyError(f"{self.at(key)}: must be true or false, not {found!r}")
        return found

    def enum(self, key: str, kind: type[_E], default: _E) -> _E:
        found = self.optional_enum(key, kind)
        return default if found is None else found

    def optional_enum(self, key: str, kind: type[_E]) -> _E | None:
        if key not in self.value:
            return None
        return _member(self.value[key], self.at(key), kind)

    def array(self, key: str, min_items: int = 0) -> list[tuple[Any, str]]:
        """The items of an array (none when the key is absent) with their paths."""
        if key not in self.value:
            return []
        found = self.value[key]
        if not isinstance(found, list) or len(found) < min_items:
            raise PolicyError(f"{self.at(key)}: must be an array of at least {min_items} item(s)")
        return [(item, f"{self.at(key)}[{index}]") for index, item in enumerate(found)]

    def text_items(self, key: str) -> list[str]:
        texts = []
        for item, path in self.array(key, min_items=1):
            if not isinstance(item, str) or not item:
                raise PolicyError(f"{path}: must be a non-empty string, not {item!r}")
            texts.append(item)
        return texts

    def enum_items(self, key: str, kind: type[_E]) -> list[_E]:
        return [_member(item, path, kind) for item, path in self.array(key, min_items=1)]


def _member(value: object, path: str, kind: type[_E]) -> _E:
    if isinstance(value, str) and value in _values(kind):
        return kind(value)
    raise PolicyError(f"{path}: must be one of {', '.join(_values(kind))}, not {value!r}")
