"""Governed cost documents on real Postgres: a proposal is checked by its kind's rules, kept as
the next version, takes effect only when someone other than its author approves it, and leaves
the change in the audit trail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.costs.governance import DocumentKind, DocumentStatus
from models import AuditEntry
from models.costs import document_rules
from models.costs.document_rules import KindRules
from models.costs.document_store import (
    DecisionRefused,
    decide_document,
    document_in_force,
    document_versions,
    propose_document,
)
from models.document_errors import DocumentError, DocumentRefused
from models.people.accounts import upsert_user

KIND = DocumentKind.RATE_CARD
AT = datetime(2031, 3, 1, tzinfo=UTC)


def _no_negative_rates(_: Session, document: dict[str, Any]) -> list[DocumentError]:
    return [
        DocumentError(f"$.rates.{name}", "a rate is not negative")
        for name, rate in document["rates"].items()
        if rate < 0
    ]


@pytest.fixture(autouse=True)
def rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small kind of document: named integer rates."""
    schema = {
        "type": "object",
        "required": ["rates"],
        "properties": {"rates": {"type": "object", "additionalProperties": {"type": "integer"}}},
        "additionalProperties": False,
    }
    monkeypatch.setitem(document_rules.RULES, KIND, KindRules(schema, _no_negative_rates))


def _people(session: Session) -> tuple[Any, Any]:
    tag = uuid.uuid4().hex[:6]
    author = upsert_user(session, f"author-{tag}", roles=[Role.FINANCE])
    approver = upsert_user(session, f"approver-{tag}", roles=[Role.FINANCE])
    return author, approver


def test_a_proposal_is_in_force_only_once_someone_else_approves_it(session: Session) -> None:
    author, approver = _people(session)
    before = document_in_force(session, KIND, AT)
    proposal = propose_document(session, KIND, {"rates": {"vm": 5}}, note="", author=author, at=AT)
    assert proposal.status == DocumentStatus.PROPOSED
    assert document_in_force(session, KIND, AT + timedelta(days=1)) == before
    with pytest.raises(DecisionRefused, check=lambda r: r.rule == "author_may_not_decide"):
        decide_document(
            session, KIND, proposal.version, decider=author, approve=True, note="", at=AT
        )
    decided = AT + timedelta(hours=1)
    decide_document(
        session, KIND, proposal.version, decider=approver, approve=True, note="ok", at=decided
    )
    assert document_in_force(session, KIND, decided) == proposal
    assert document_in_force(session, KIND, AT) == before
    with pytest.raises(DecisionRefused, check=lambda r: r.rule == "already_decided"):
        decide_document(
            session, KIND, proposal.version, decider=approver, approve=False, note="", at=decided
        )


def test_a_refused_document_names_each_error_and_stores_nothing(session: Session) -> None:
    author, _ = _people(session)
    with pytest.raises(DocumentRefused) as refused:
        propose_document(session, KIND, {"rates": {"vm": -1}}, note="", author=author, at=AT)
    assert [e.path for e in refused.value.errors] == ["$.rates.vm"]
    with pytest.raises(DocumentRefused) as refused:
        propose_document(session, KIND, {"rates": {"vm": "5"}}, note="", author=author, at=AT)
    assert [e.path for e in refused.value.errors] == ["$.rates.vm"]


def test_a_text_postgres_cannot_store_is_refused_by_its_path(session: Session) -> None:
    author, _ = _people(session)
    before = len(document_versions(session, KIND))
    document = {"rates": {"vm": 5}, "assumptions": ["ok", "nul \x00 inside"], "a\x00b": 1}
    with pytest.raises(DocumentRefused) as refused:
        propose_document(session, KIND, document, note="", author=author, at=AT)
    unstorable = [e for e in refused.value.errors if "U+0000" in e.message]
    assert [e.path for e in unstorable] == ["$.assumptions[1]", "$ (a key)"]
    assert len(document_versions(session, KIND)) == before


def test_the_audit_trail_keeps_the_change_against_the_version_in_force(session: Session) -> None:
    author, approver = _people(session)
    first = propose_document(session, KIND, {"rates": {"vm": 5}}, note="", author=author, at=AT)
    decide_document(session, KIND, first.version, decider=approver, approve=True, note="", at=AT)
    second = propose_document(
        session, KIND, {"rates": {"vm": 6}}, note="dearer", author=author, at=AT
    )
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.entity_id == f"{KIND} v{second.version}")
    )
    assert entry is not None and entry.actor == author.username
    assert entry.after is not None
    assert entry.after["against_version"] == first.version
    assert entry.after["diff"] == [{"op": "replace", "path": "/rates/vm", "value": 6}]


def _propose(session: Session, author: Any, rate: int) -> Any:
    return propose_document(session, KIND, {"rates": {"vm": rate}}, note="", author=author, at=AT)


def _actions(session: Session, row: Any) -> list[str]:
    entity = f"{KIND} v{row.version}"
    found = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == entity))
    return list(found)


def test_approving_a_version_supersedes_the_older_ones_still_proposed(session: Session) -> None:
    author, approver = _people(session)
    older, newer, newest = (_propose(session, author, rate) for rate in (5, 6, 7))
    decided = AT + timedelta(hours=1)
    decide_document(
        session, KIND, newer.version, decider=approver, approve=True, note="", at=decided
    )
    assert older.status == DocumentStatus.SUPERSEDED
    assert older.decision_note == f"superseded by v{newer.version}"
    assert "cost_document.superseded" in _actions(session, older)
    assert newest.status == DocumentStatus.PROPOSED  # a newer proposal stays under review
    assert document_in_force(session, KIND, decided) == newer
    with pytest.raises(DecisionRefused, check=lambda r: r.rule == "already_decided"):
        decide_document(
            session, KIND, older.version, decider=approver, approve=True, note="", at=decided
        )


def test_an_older_version_approved_after_a_newer_one_never_goes_in_force(
    session: Session,
) -> None:
    author, approver = _people(session)
    older, newer = (_propose(session, author, rate) for rate in (5, 6))
    decide_document(session, KIND, newer.version, decider=approver, approve=True, note="", at=AT)
    older.status = DocumentStatus.PROPOSED  # as a version left proposed beside it before
    session.flush()
    later = AT + timedelta(hours=1)
    decided = decide_document(
        session, KIND, older.version, decider=approver, approve=True, note="", at=later
    )
    assert decided.status == DocumentStatus.SUPERSEDED and decided.effective_from is None
    assert document_in_force(session, KIND, later) == newer
