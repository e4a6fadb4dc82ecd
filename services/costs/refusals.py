"""What a cost-source request is refused with: each rule and the kind of refusal it is."""

from __future__ import annotations

from services.refusals import RefusalKind, RuleRefused

COST_RULES: dict[str, RefusalKind] = {
    "invalid_name": RefusalKind.INVALID,
    "invalid_request": RefusalKind.INVALID,
    "unknown_format": RefusalKind.INVALID,
    "unknown_column": RefusalKind.INVALID,
    "mapping_required": RefusalKind.INVALID,
    "unknown_quality_rule": RefusalKind.INVALID,
    "unknown_action": RefusalKind.INVALID,
    "unknown_cost_center": RefusalKind.INVALID,
    "unknown_gl_account": RefusalKind.INVALID,
    "unknown_user": RefusalKind.INVALID,
    "unknown_contract": RefusalKind.INVALID,
    "contract_required": RefusalKind.INVALID,
    "contract_on_account": RefusalKind.INVALID,
    "booked_on_commitment_discount": RefusalKind.INVALID,
    "allocation_required": RefusalKind.INVALID,
    "invalid_location": RefusalKind.INVALID,
    "invalid_currency": RefusalKind.INVALID,
    "invalid_account_kind": RefusalKind.INVALID,
    "invalid_period": RefusalKind.INVALID,
    "unreadable_file": RefusalKind.INVALID,
    "wrong_format": RefusalKind.INVALID,
    "source_exists": RefusalKind.CONFLICT,
    "load_running": RefusalKind.CONFLICT,
    "no_allocation_model": RefusalKind.CONFLICT,
    "no_tag_policy": RefusalKind.CONFLICT,
    "not_entitled": RefusalKind.FORBIDDEN,
    "unknown_virtual_tag": RefusalKind.INVALID,
}


class CostRefused(RuleRefused):
    """A cost-source request refused by one of ``COST_RULES``; nothing was stored."""

    @property
    def kind(self) -> RefusalKind:
        return COST_RULES.get(self.rule, RefusalKind.CONFLICT)


class SourceMissing(LookupError):
    """No cost source has that name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no cost source named {name}")
        self.name = name
