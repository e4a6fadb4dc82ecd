"""A line's tags judged by the tag policy: aliases and normalisation before comparing, required
keys per scope, allowed values as a list, a pattern, a code that exists, hierarchical paths;
and the mistakes in a policy document its schema cannot catch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.costs.tag_findings import LineScope, Problem, Standing, findings, standing
from domain.costs.tag_policy import Reference, policy_problems, tag_policy

DOCUMENT: dict[str, Any] = {
    "keys": {
        "cost_center": {"owner": "finance", "allowed": {"exists": "cost_center"}},
        "environment": {"owner": "it_operations", "allowed": {"values": ["prod", "dev"]}},
        "application": {"owner": "application_team", "allowed": {"pattern": "[a-z][a-z0-9-]*"}},
        "org": {"owner": "finance", "levels": ["bu", "department", "team"], "separator": "/"},
    },
    "aliases": {"env": "environment", "CostCenter": "cost_center"},
    "required": [
        {"keys": ["cost_center", "environment"]},
        {"scope": {"provider": "AWS", "service": "Amazon EC2"}, "keys": ["application"]},
        {"scope": {"billing_account": "111"}, "keys": ["org"]},
    ],
}
POLICY = tag_policy(DOCUMENT, 1)
KNOWN = {Reference.COST_CENTER: frozenset({"cc-100"})}
AZURE = LineScope("Microsoft", "222", "Storage")
EC2 = LineScope("aws", "111", "amazon ec2")


def _problems(tags: Mapping[str, object], line: LineScope = AZURE) -> dict[str, Problem]:
    return {f.key: f.problem for f in findings(POLICY, tags, line, KNOWN)}


def test_aliases_and_normalised_values_make_drifting_tags_compliant() -> None:
    assert _problems({"cost_center": " CC-100 ", "env": "Prod"}) == {}
    assert standing(findings(POLICY, {"cost_center": "CC-100", "env": "prod"}, AZURE, KNOWN)) == (
        Standing.COMPLIANT
    )


def test_a_missing_or_empty_key_is_untagged_and_a_wrong_value_misclassified() -> None:
    assert _problems({"env": "prod"}) == {"cost_center": Problem.MISSING}
    assert _problems({"cost_center": "  ", "env": "prod"}) == {"cost_center": Problem.MISSING}
    wrong = findings(POLICY, {"cost_center": "CC-999", "env": "staging"}, AZURE, KNOWN)
    assert {f.key: f.problem for f in wrong} == {
        "cost_center": Problem.NOT_ALLOWED,
        "environment": Problem.NOT_ALLOWED,
    }
    assert standing(wrong) == Standing.MISCLASSIFIED
    assert standing(findings(POLICY, {"env": "staging"}, AZURE, KNOWN)) == Standing.UNTAGGED


def test_scoped_keys_apply_only_where_their_scope_does() -> None:
    tags = {"cost_center": "cc-100", "env": "dev"}
    assert _problems(tags) == {}
    assert _problems(tags, EC2) == {"application": Problem.MISSING, "org": Problem.MISSING}
    assert _problems({**tags, "application": "Web-Shop", "org": "retail/pay/checkout"}, EC2) == {}
    assert _problems({**tags, "application": "9lives", "org": "retail/pay"}, EC2) == {
        "application": Problem.NOT_ALLOWED,
        "org": Problem.NOT_ALLOWED,
    }


def test_policy_mistakes_the_schema_cannot_see_are_named_by_path() -> None:
    document = {
        **DOCUMENT,
        "keys": {
            **DOCUMENT["keys"],
            "environment": {"owner": "it_operations", "allowed": {"values": ["Prod"]}},
            "application": {"owner": "application_team", "allowed": {"pattern": "[a-"}},
        },
        "aliases": {"env": "environmnt", "org": "cost_center"},
        "required": [{"keys": ["cost_center", "owner"]}],
    }
    assert [path for path, _ in policy_problems(document)] == [
        "$.required[0].keys[1]",
        "$.aliases.env",
        "$.aliases.org",
        "$.keys.environment.allowed.values[0]",
        "$.keys.application.allowed.pattern",
    ]
    assert policy_problems(DOCUMENT) == []
