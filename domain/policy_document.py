"""From a stored approval-policy document to the ``domain.policy`` dataclasses.

The document's structure (keys, types, enums, minimums, one branch or parallel ones) is the
JSON Schema's to check (``models/purchase_orders/policy_schema.json``, applied by
``models.purchase_orders.policy_schema``);
``build_policy`` takes a document that passed it and adds the rules a schema cannot state:
tier names unique in the policy, branch names unique in their tier, and numbers whole (JSON
Schema's ``integer`` admits ``2.0``). Left-out fields take the dataclasses' defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.catalog import Role, ServiceType
from domain.costs.anomaly_escalation import EscalationRule
from domain.matching.policy_section import MatchingSectionError, matching_policy
from domain.matching.tolerances import MatchingPolicy
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
from domain.terms.clauses import ClauseId
from domain.terms.required_clauses import ClauseRequirement
from domain.variances import Against, Direction, VarianceRule
from domain.vendor_names import normalised_vendor_name

_POLICY_ENUMS = {"price_above_msa": PriceAboveMsa, "over_budget": OverBudget}
_CHANGE_ORDER_FIELDS = {
    "reapprove_increase_above_minor": "change_order_reapproval_above_minor",
    "reapprove_increase_above_percent": "change_order_reapproval_above_percent",
}


class PolicyError(ValueError):
    """A policy document that cannot become a ``Policy``; the message starts with the JSON path."""


def build_policy(name: str, version: int, document: Mapping[str, Any]) -> Policy:
    """The ``Policy`` of a schema-valid document. An inline tier becomes one branch named after
    the tier. Raises ``PolicyError("<json path>: <what is wrong>")`` for a repeated tier or
    branch name (decisions are recorded against them) or a number with a fraction part."""
    _refuse_fractions(document, "")
    tiers = tuple(_tier(tier, f"tiers[{index}]") for index, tier in enumerate(document["tiers"]))
    _check_unique([tier.name for tier in tiers], "tiers", "tier")
    return Policy(name, version, document["base_currency"], tiers, **_options(document))


def _options(document: Mapping[str, Any]) -> dict[str, Any]:
    """The ``Policy`` fields the document gives beside its tiers; the others keep defaults."""
    options = _given(document, "allow_same_approver_across_tiers")
    options.update(
        {key: kind(document[key]) for key, kind in _POLICY_ENUMS.items() if key in document}
    )
    if "renewal_notice_days" in document:
        options["renewal_notice_days"] = tuple(document["renewal_notice_days"])
    if "emergency" in document:
        options["emergency"] = _emergency(document["emergency"])
    for key, field in _CHANGE_ORDER_FIELDS.items():
        if key in document.get("change_orders", {}):
            options[field] = document["change_orders"][key]
    if "change_control" in document:
        conditions = document["change_control"]["approved_change_required_when"]
        options["approved_change_required_when"] = tuple(map(_condition, conditions))
    if "low_risk" in document:
        options["low_risk"] = _low_risk(document["low_risk"])
    if "cost_document_changes" in document:
        options["cost_document_tiers"] = _document_tiers(document["cost_document_changes"])
    if "variance_investigation" in document:
        options["variance_investigation"] = _variance_rule(document["variance_investigation"])
    if "spend_anomaly_escalation" in document:
        section = document["spend_anomaly_escalation"]
        options["spend_anomaly_escalation"] = EscalationRule(**_clock(section))
    if "invoice_matching" in document:
        options["invoice_matching"] = _invoice_matching(document["invoice_matching"])
    if "required_clauses" in document:
        options["required_clauses"] = _required_clauses(document["required_clauses"])
    return options


def _required_clauses(section: Mapping[str, Any]) -> tuple[ClauseRequirement, ...]:
    """Each risk flag and the clauses it requires, in the document's order."""
    return tuple(
        ClauseRequirement(RiskFlag(flag), tuple(map(ClauseId, clauses)))
        for flag, clauses in section.items()
    )


def _invoice_matching(section: Mapping[str, Any]) -> MatchingPolicy:
    try:
        return matching_policy(section)
    except MatchingSectionError as error:
        raise PolicyError(str(error)) from error


def _variance_rule(section: Mapping[str, Any]) -> VarianceRule:
    options = _given(
        section,
        "percent_at_least",
        "amount_base_minor_at_least",
        "deadline_minutes",
        "reminder_minutes",
    )
    if "against" in section:
        options["against"] = Against(section["against"])
    if "direction" in section:
        options["direction"] = Direction(section["direction"])
    return VarianceRule(**options)


def _document_tiers(section: Mapping[str, Any]) -> tuple[TierSpec, ...]:
    """A document change passes every tier: a condition on a requisition cannot hold for it."""
    path = "cost_document_changes.tiers"
    for index, tier in enumerate(section["tiers"]):
        if "when" in tier:
            raise PolicyError(f"{path}[{index}].when: a document change passes every tier")
    tiers = tuple(_tier(tier, f"{path}[{index}]") for index, tier in enumerate(section["tiers"]))
    _check_unique([tier.name for tier in tiers], path, "tier")
    return tiers


def _tier(tier: Mapping[str, Any], path: str) -> TierSpec:
    when = tuple(map(_condition, tier.get("when", ())))
    if "parallel" not in tier:
        return TierSpec(tier["name"], (_branch(tier["name"], tier),), when)
    branches = tuple(_branch(branch["name"], branch) for branch in tier["parallel"])
    _check_unique([branch.name for branch in branches], f"{path}.parallel", "branch")
    return TierSpec(tier["name"], branches, when)


def _branch(name: str, fields: Mapping[str, Any]) -> BranchSpec:
    options = _given(fields, "comment_required") | _clock(fields)
    if "fallback" in fields:
        options["fallback"] = _approvers(fields["fallback"])
    return BranchSpec(name, _approvers(fields["approvers"]), **options)


def _clock(fields: Mapping[str, Any]) -> dict[str, int]:
    """``deadline_minutes`` and ``reminder_minutes`` as given, in minutes or in hours (the
    schema lets only one unit of each through)."""
    clock = {}
    for what in ("deadline", "reminder"):
        if f"{what}_minutes" in fields:
            clock[f"{what}_minutes"] = fields[f"{what}_minutes"]
        elif f"{what}_hours" in fields:
            clock[f"{what}_minutes"] = fields[f"{what}_hours"] * 60
    return clock


def _approvers(approvers: Mapping[str, Any]) -> ApproverSpec:
    return ApproverSpec(
        users=tuple(approvers.get("users", ())),
        role=Role(approvers["role"]) if "role" in approvers else None,
        cost_center_owner=approvers.get("cost_center_owner", False),
        manager_levels=approvers.get("manager_levels", 0),
        mode=ApproverMode(approvers.get("mode", ApproverMode.ANY_OF)),
    )


def _condition(condition: Mapping[str, Any]) -> Condition:
    return Condition(
        amount_base_minor_at_least=condition.get("amount_base_minor_at_least"),
        amount_base_minor_below=condition.get("amount_base_minor_below"),
        service_types=tuple(map(ServiceType, condition.get("service_types", ()))),
        any_risk_flag=tuple(map(RiskFlag, condition.get("any_risk_flag", ()))),
        over_budget=condition.get("over_budget"),
        new_vendor=condition.get("new_vendor"),
        emergency=condition.get("emergency"),
        vendors=tuple(normalised_vendor_name(name) for name in condition.get("vendors", ())),
        monthly_run_rate_base_minor_at_least=condition.get("monthly_run_rate_base_minor_at_least"),
        anomaly_score_at_least=condition.get("anomaly_score_at_least"),
    )


def _emergency(emergency: Mapping[str, Any]) -> EmergencySpec:
    return EmergencySpec(
        _approvers(emergency["approvers"]), **_given(emergency, "after_the_fact_days")
    )


def _low_risk(rule: Mapping[str, Any]) -> LowRiskRule:
    service_types = tuple(map(ServiceType, rule.get("service_types", ())))
    return LowRiskRule(rule["amount_base_minor_below"], service_types)


def _given(fields: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """The ``keys`` the document gives; the others keep the dataclass's default."""
    return {key: fields[key] for key in keys if key in fields}


def _check_unique(names: list[str], path: str, what: str) -> None:
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise PolicyError(f"{path}: {what} names must be unique; repeated: {', '.join(repeated)}")


def _refuse_fractions(value: object, path: str) -> None:
    """Every number of a policy counts or amounts to whole units: a JSON float is refused even
    when its fraction is zero."""
    if isinstance(value, float):
        raise PolicyError(f"{path}: must be a whole number, not {value!r}")
    if isinstance(value, Mapping):
        for key, item in value.items():
            _refuse_fractions(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_fractions(item, f"{path}[{index}]")
