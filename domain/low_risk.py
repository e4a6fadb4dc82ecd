"""Low-risk POs (docs/policies.md): the ones a policy lets an approver approve
together with others from the inbox. Each approval still goes through the workflow's validator;
this rule only says which POs are offered, and refuses the others before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass

from domain.catalog import ServiceType
from domain.money import Money
from domain.policy import LowRiskRule
from domain.requisition import RiskFlag


@dataclass(frozen=True)
class RiskFacts:
    """What the low-risk rule looks at, as the PO's view records it."""

    amount_base_minor: int
    base_currency: str
    service_type: ServiceType
    risk_flags: tuple[RiskFlag, ...] = ()
    over_budget: bool = False
    policy_flags: tuple[str, ...] = ()  # what the policy flagged, one sentence each
    emergency: bool = False


def not_low_risk(rule: LowRiskRule | None, po: RiskFacts) -> str | None:
    """Why ``po`` is not low-risk under its policy's ``rule``, as one sentence for the
    approver; None when it is."""
    if rule is None:
        return "its approval policy marks no PO as low-risk"
    if po.amount_base_minor >= rule.amount_base_minor_below:
        amount = Money(po.amount_base_minor, po.base_currency)
        limit = Money(rule.amount_base_minor_below, po.base_currency)
        return f"its amount {amount} is not below the low-risk limit of {limit}"
    if rule.service_types and po.service_type not in rule.service_types:
        return f"{po.service_type.value.replace('_', ' ')} is not a low-risk service type"
    if po.risk_flags:
        flags = ", ".join(flag.value.replace("_", " ") for flag in po.risk_flags)
        return f"it carries risk flags ({flags})"
    if po.over_budget:
        return "it is over budget"
    if po.policy_flags:
        return f"the policy flagged it: {po.policy_flags[0]}"
    if po.emergency:
        return "it is an emergency purchase"
    return None
