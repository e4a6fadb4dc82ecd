"""The tag policy is a governed document: its schema and its own checks refuse a bad version,
naming each error by path, and store nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.costs.governance import DocumentKind
from models.costs.document_store import document_versions, propose_document
from models.document_errors import DocumentRefused
from models.people.accounts import upsert_user
from tests.models.costs.tagged_sample import POLICY

AT = datetime(2031, 3, 1, tzinfo=UTC)


def test_a_policy_breaking_its_schema_or_its_checks_is_refused(session: Session) -> None:
    author = upsert_user(session, f"author-{uuid.uuid4().hex[:6]}", roles=[Role.FINANCE])
    before = len(document_versions(session, DocumentKind.TAG_POLICY))
    bad_schema = {**POLICY, "keys": {"cost_center": {"owner": "everyone"}}}
    bad_checks = {**POLICY, "required": [{"keys": ["cost_centre"]}]}
    for document, path in (
        (bad_schema, "$.keys.cost_center.owner"),
        (bad_checks, "$.required[0].keys[0]"),
    ):
        with pytest.raises(DocumentRefused) as refused:
            propose_document(
                session, DocumentKind.TAG_POLICY, document, note="", author=author, at=AT
            )
        assert [e.path for e in refused.value.errors] == [path]
    assert len(document_versions(session, DocumentKind.TAG_POLICY)) == before
    proposed = propose_document(
        session, DocumentKind.TAG_POLICY, POLICY, note="", author=author, at=AT
    )
    assert proposed.version == before + 1
