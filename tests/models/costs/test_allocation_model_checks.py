"""An allocation model is refused, with every error named by its JSON path and nothing stored,
when it breaks its schema or names what does not exist; a good one is stored as proposed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.costs.governance import DocumentKind, DocumentStatus
from models import CostDocument
from models.costs.document_store import propose_document
from models.document_errors import DocumentRefused
from services.costs.allocation import record_drivers
from tests.builders.allocation import a_period, allocation_org

KIND = DocumentKind.ALLOCATION_MODEL
AT = datetime(2031, 1, 1, tzinfo=UTC)


def _stored(session: Session) -> int:
    return session.scalar(select(func.count()).where(CostDocument.kind == KIND)) or 0


def test_unknown_names_bad_percentages_and_twice_named_rules_are_refused(
    session: Session,
) -> None:
    org = allocation_org(session)
    before = _stored(session)
    rules = [
        {"name": "a", "kind": "direct", "to": {"cost_center": "NO-SUCH-CENTER"}},
        {"name": "a", "kind": "direct", "to": {"business_unit": org.centers[0]}},
        {"name": "b", "kind": "direct", "to": {"service": "NO-SUCH-SERVICE"}},
        {"name": "c", "kind": "shared", "key": {"by": "percentages", "targets": [
            {"cost_center": org.centers[1], "percent": 60},
            {"cost_center": org.centers[2], "percent": "30"}]}},
        {"name": "d", "kind": "activity", "driver": "never-uploaded"},
    ]  # fmt: skip
    with pytest.raises(DocumentRefused) as refused:
        propose_document(session, KIND, {"rules": rules}, note="", author=org.author, at=AT)
    assert {(e.path, e.message) for e in refused.value.errors} == {
        ("$.rules[0]", "no cost center 'NO-SUCH-CENTER'"),
        ("$.rules[1].name", "a second rule named 'a'"),
        ("$.rules[1]", f"no business unit (a root cost center) {org.centers[0]!r}"),
        ("$.rules[2]", "no IT service 'NO-SUCH-SERVICE'"),
        ("$.rules[3].key", "every target's percent, summing to 100"),
        ("$.rules[4]", "no driver table named 'never-uploaded' was uploaded"),
    }
    assert _stored(session) == before


def test_a_rule_breaking_the_schema_is_named_by_its_path(session: Session) -> None:
    org = allocation_org(session)
    bad = {"rules": [{"name": "x", "kind": "shared", "key": {"by": "even"}}]}
    with pytest.raises(DocumentRefused) as refused:
        propose_document(session, KIND, bad, note="", author=org.author, at=AT)
    assert [e.path for e in refused.value.errors] == ["$.rules[0]"]


def test_a_model_naming_what_exists_is_stored_as_proposed(session: Session) -> None:
    org = allocation_org(session)
    record_drivers(session, a_period(), "logins", {org.services[1]: "12"}, org.author)
    rules = [
        {"name": "tagged", "kind": "direct", "to": {"cost_center_tag": "cost_center"}},
        {"name": "unit", "kind": "direct", "match": {"billing_account": ["1", "2"]},
         "to": {"business_unit": org.units[0]}},
        {"name": "identity", "kind": "activity", "match": {"service": "Azure AD"},
         "driver": "logins"},
    ]  # fmt: skip
    stored = propose_document(session, KIND, {"rules": rules}, note="", author=org.author, at=AT)
    assert stored.status == DocumentStatus.PROPOSED


def test_a_ledger_pool_naming_an_unknown_cost_center_or_gl_account_is_refused(
    session: Session,
) -> None:
    org = allocation_org(session)
    pool = {"entries": "actuals", "cost_center": [org.centers[0], "NO-CC"], "gl_account": "NO-GL"}
    rules = [{"name": "labour", "kind": "shared", "from_ledger": pool, "key": {"by": "headcount"}}]
    record_drivers(session, a_period(), "headcount", {org.centers[1]: "1"}, org.author)
    with pytest.raises(DocumentRefused) as refused:
        propose_document(session, KIND, {"rules": rules}, note="", author=org.author, at=AT)
    assert {(e.path, e.message) for e in refused.value.errors} == {
        ("$.rules[0].from_ledger", "no cost center 'NO-CC'"),
        ("$.rules[0].from_ledger", "no GL account 'NO-GL'"),
    }


@pytest.mark.parametrize(
    "pool",
    [
        {"entries": "salaries", "cost_center": "X"},  # neither depreciation nor actuals
        {"entries": "actuals"},  # no cost center
    ],
)
def test_a_ledger_pool_is_of_known_entries_and_cost_centers_and_takes_no_lines(
    session: Session, pool: dict[str, object]
) -> None:
    org = allocation_org(session)
    good = {"entries": "depreciation", "cost_center": org.centers[0]}
    rules = [
        {"name": "a", "kind": "shared", "from_ledger": pool, "key": {"by": "usage"}},
        {"name": "b", "kind": "activity", "from_ledger": good, "match": {}, "driver": "vm"},
    ]
    with pytest.raises(DocumentRefused) as refused:
        propose_document(session, KIND, {"rules": rules}, note="", author=org.author, at=AT)
    assert [e.path for e in refused.value.errors] == ["$.rules[0]", "$.rules[1]"]
