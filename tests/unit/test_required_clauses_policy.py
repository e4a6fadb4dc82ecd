"""The approval policy's ``required_clauses`` section: parsed into domain types, left out by
default, and each mistake named by its JSON path (docs/policies.md#required-clauses)."""

from typing import Any

import pytest

from domain.policy_document import PolicyError
from domain.requisition import RiskFlag
from domain.terms.clauses import ClauseId
from domain.terms.required_clauses import ClauseRequirement
from models.purchase_orders.policy_schema import POLICY_SCHEMA, parse_policy
from tests.builders.policies import POLICY_DOCUMENT

BASE = {"base_currency": "EUR", "tiers": [{"name": "t", "approvers": {"role": "finance"}}]}


def parsed(section: Any) -> tuple[ClauseRequirement, ...]:
    return parse_policy("p", 1, {**BASE, "required_clauses": section}).required_clauses


def test_each_flag_requires_its_clauses_in_the_document_s_order() -> None:
    section = {"third_party_access": ["audit_rights"], "handles_pii": ["dpa", "scc"]}
    assert parsed(section) == (
        ClauseRequirement(RiskFlag.THIRD_PARTY_ACCESS, (ClauseId.AUDIT_RIGHTS,)),
        ClauseRequirement(RiskFlag.HANDLES_PII, (ClauseId.DPA, ClauseId.SCC)),
    )


def test_left_out_no_clause_is_required() -> None:
    assert parse_policy("p", 1, BASE).required_clauses == ()
    assert parse_policy("it-purchasing", 1, POLICY_DOCUMENT).required_clauses == ()


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"handles_pii": ["gdpr"]}, r"^required_clauses\.handles_pii\[0\]: must be one of dpa, "),
        ({"is_cheap": ["dpa"]}, r"^required_clauses: unknown key\(s\): is_cheap$"),
        ({"handles_pii": []}, r"^required_clauses\.handles_pii: must be an array of at least 1"),
        ({"handles_pii": ["dpa", "dpa"]}, r"^required_clauses\.handles_pii: must not name"),
        ({"handles_pii": "dpa"}, r"^required_clauses\.handles_pii: must be an array, not 'dpa'$"),
    ],
)
def test_a_mistake_is_named_by_its_path(section: Any, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parsed(section)


def test_the_schema_offers_the_domain_s_flags_and_clauses() -> None:
    flags = POLICY_SCHEMA["properties"]["required_clauses"]["properties"]
    assert list(flags) == [flag.value for flag in RiskFlag]
    clauses = POLICY_SCHEMA["$defs"]["clause_ids"]["items"]["enum"]
    assert clauses == [clause.value for clause in ClauseId]
