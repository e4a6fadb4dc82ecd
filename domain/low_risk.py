"""Low-risk POs (README, "Bulk approval"): the ones a policy lets an approver approve together
with others from the inbox. Each approval still goes through the workflow's validator; this
rule only says which POs are offered, and refuses the others before anything is sent."""

from __future__ import annotations

from domain.money import Money
from domain.policy import LowRiskRule
from domain.purchase_order import PoView


def not_low_risk(rule: LowRiskRule | None, view: PoView) -> str | None:
    """Why ``view`` is not low-risk under its policy's ``rule``, as one sentence for the
    approver; None when it is."""
    if rule is None:
        return "its approval policy marks no PO as low-risk"
    requisition = view.requisition
    if view.amount_base_minor >= rule.amount_base_minor_below:
        amount = Money(view.amount_base_minor, view.base_currency)
        limit = Money(rule.amount_base_minor_below, view.base_currency)
        return f"its amount {amount} is not below the low-risk limit of {limit}"
    if rule.service_types and requisition.service_type not in rule.service_types:
        return f"{requisition.service_type.value.replace('_', ' ')} is not a low-risk service type"
    if requisition.risk_flags:
        flags = ", ".join(flag.value.replace("_", " ") for flag in requisition.risk_flags)
        return f"it carries risk flags ({flags})"
    if view.over_budget:
        return "it is over budget"
    if view.flags:
        return f"the policy flagged it: {view.flags[0].message}"
    if requisition.emergency:
        return "it is an emergency purchase"
    return None
