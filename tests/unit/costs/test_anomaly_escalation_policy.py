"""The approval policy's ``spend_anomaly_escalation`` section: left out, a spend anomaly's owner
has three days and a daily reminder as before; given, in hours or minutes, it sets both; a bad
value is refused naming its place, by the parser and by the upload's checks alike."""

from __future__ import annotations

from typing import Any

import pytest

from domain.costs.anomaly_escalation import EscalationRule
from domain.policy_document import PolicyError
from models.purchase_orders.policy_schema import POLICY_SCHEMA, parse_policy
from models.purchase_orders.policy_store import document_errors
from tests.builders.policies import demo_policy

POLICY = {"base_currency": "EUR", "tiers": [{"name": "t", "approvers": {"role": "finance"}}]}


def _rule(section: dict[str, Any]) -> EscalationRule:
    policy = parse_policy("p", 1, {**POLICY, "spend_anomaly_escalation": section})
    return policy.spend_anomaly_escalation


def test_a_policy_without_the_section_keeps_three_days_and_a_daily_reminder() -> None:
    assert parse_policy("p", 1, POLICY).spend_anomaly_escalation == EscalationRule(3 * 1440, 1440)
    assert parse_policy("demo", 1, demo_policy()).spend_anomaly_escalation == EscalationRule()


def test_the_schema_s_defaults_are_the_rule_s() -> None:
    fields = POLICY_SCHEMA["properties"]["spend_anomaly_escalation"]["properties"]
    assert fields["deadline_hours"]["default"] * 60 == EscalationRule().deadline_minutes
    assert fields["reminder_hours"]["default"] * 60 == EscalationRule().reminder_minutes


@pytest.mark.parametrize(
    ("section", "rule"),
    [
        ({"deadline_hours": 48, "reminder_hours": 12}, EscalationRule(48 * 60, 12 * 60)),
        ({"deadline_minutes": 10, "reminder_minutes": 3}, EscalationRule(10, 3)),
        ({"deadline_hours": 24}, EscalationRule(24 * 60, 24 * 60)),
        ({"reminder_minutes": 90}, EscalationRule(3 * 1440, 90)),
        ({}, EscalationRule()),
    ],
)
def test_the_section_sets_the_deadline_and_the_reminder_in_hours_or_minutes(
    section: dict[str, Any], rule: EscalationRule
) -> None:
    assert _rule(section) == rule


@pytest.mark.parametrize(
    ("section", "path", "message"),
    [
        ({"deadline_hours": 0}, "spend_anomaly_escalation.deadline_hours", "at least 1"),
        ({"reminder_minutes": -5}, "spend_anomaly_escalation.reminder_minutes", "at least 1"),
        ({"deadline_hours": "3d"}, "spend_anomaly_escalation.deadline_hours", "whole number"),
        ({"deadline_hours": 1.5}, "spend_anomaly_escalation.deadline_hours", "whole number"),
        ({"deadline_days": 3}, "spend_anomaly_escalation", "unknown key(s): deadline_days"),
        (
            {"deadline_hours": 1, "deadline_minutes": 30},
            "spend_anomaly_escalation",
            "give deadline_hours or deadline_minutes",
        ),
        ([72], "spend_anomaly_escalation", "must be an object"),
    ],
)
def test_a_bad_section_is_refused_naming_its_place(
    section: object, path: str, message: str
) -> None:
    with pytest.raises(PolicyError) as refused:
        parse_policy("p", 1, {**POLICY, "spend_anomaly_escalation": section})
    where, _, why = str(refused.value).partition(": ")
    assert where == path and message in why


def test_an_upload_with_a_bad_section_is_refused_naming_its_field() -> None:
    document = {**POLICY, "spend_anomaly_escalation": {"deadline_hours": 0, "reminder_hours": 2}}
    [error] = document_errors("p", document, "EUR")
    assert error.path == "$.spend_anomaly_escalation.deadline_hours"
    assert error.message == "Deadline hours must be at least 1."
    both = {**POLICY, "spend_anomaly_escalation": {"deadline_hours": 1, "deadline_minutes": 5}}
    [error] = document_errors("p", both, "EUR")
    assert error.path == "$.spend_anomaly_escalation"
    assert error.message == "Give deadline_hours or deadline_minutes, not both."
    listed = {**POLICY, "spend_anomaly_escalation": [72]}
    assert [error.message for error in document_errors("p", listed, "EUR")] == [
        "Spend anomaly escalation must be an object of named fields."
    ]
