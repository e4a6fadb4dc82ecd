"""Refusals a service raises, each naming the rule that failed, and what kind of refusal each
rule is (the API answers a kind with its HTTP status)."""

from __future__ import annotations

from enum import StrEnum


class RefusalKind(StrEnum):
    CONFLICT = "conflict"  # the PO is not in a state that allows it
    FORBIDDEN = "forbidden"  # the person may not do it
    INVALID = "invalid"  # what was sent cannot be taken as it is


# The rules a workflow validator or a service refuses with, by kind; any other rule is a
# conflict.
RULE_KINDS: dict[str, RefusalKind] = {
    "not_waiting": RefusalKind.CONFLICT,
    "not_cancellable": RefusalKind.CONFLICT,
    "notice_deadline_passed": RefusalKind.CONFLICT,
    "not_entitled": RefusalKind.FORBIDDEN,
    "self_approval": RefusalKind.FORBIDDEN,
    "segregation_of_duties": RefusalKind.FORBIDDEN,
    "delegation_not_valid": RefusalKind.FORBIDDEN,
    "comment_required": RefusalKind.INVALID,
    "invalid_forward": RefusalKind.INVALID,
    "already_extended": RefusalKind.INVALID,
    "invalid_extension": RefusalKind.INVALID,
    "not_issued": RefusalKind.CONFLICT,
    "change_pending": RefusalKind.CONFLICT,
    "nothing_changed": RefusalKind.INVALID,
    "invalid_lines": RefusalKind.INVALID,
    "not_blanket": RefusalKind.CONFLICT,
    "below_consumed": RefusalKind.INVALID,
    "invoice_number_required": RefusalKind.INVALID,
    "duplicate_invoice": RefusalKind.CONFLICT,
    "invalid_amount": RefusalKind.INVALID,
    "above_ceiling": RefusalKind.INVALID,
    "unknown_line": RefusalKind.INVALID,
    "invalid_quantity": RefusalKind.INVALID,
    "received_in_future": RefusalKind.INVALID,
    "invalid_milestone": RefusalKind.INVALID,
    "over_receipt": RefusalKind.INVALID,
    "unknown_milestone": RefusalKind.INVALID,
    "unknown_criterion": RefusalKind.INVALID,
    "criterion_not_met": RefusalKind.INVALID,
    "not_delivered": RefusalKind.CONFLICT,
    "milestone_decided": RefusalKind.CONFLICT,
    "already_decided": RefusalKind.CONFLICT,
    "author_may_not_decide": RefusalKind.FORBIDDEN,
    "invalid_action": RefusalKind.INVALID,
    "no_reviewer": RefusalKind.CONFLICT,
    "invalid_category": RefusalKind.INVALID,
    "explainer_may_not_review": RefusalKind.FORBIDDEN,
    "invalid_period": RefusalKind.INVALID,
    "explanation_required": RefusalKind.INVALID,
    "reason_required": RefusalKind.INVALID,
    "realised_saving_required": RefusalKind.INVALID,
    "no_sla_terms": RefusalKind.INVALID,
    "received_via_one": RefusalKind.INVALID,
    "credit_not_owed": RefusalKind.CONFLICT,
}
# Refused by a service before anything reaches a workflow.
TEXT_RULES: dict[str, RefusalKind] = {
    "text_length": RefusalKind.INVALID,
    "text_characters": RefusalKind.INVALID,
}


class RuleRefused(Exception):
    """A request understood and refused: ``rule`` names the rule, ``message`` says why to the
    person who asked. Nothing was changed."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message

    @property
    def kind(self) -> RefusalKind:
        return {**RULE_KINDS, **TEXT_RULES}.get(self.rule, RefusalKind.CONFLICT)
