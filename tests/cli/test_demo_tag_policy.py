"""The demo's tag policy passes its kind's rules, is put in force by one person and approved by
another, and a second run adds no version."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from cli.demo_tags import put_demo_tag_policy
from domain.catalog import Role
from domain.costs.governance import DocumentKind
from models.costs.document_store import document_in_force, document_versions
from models.people.accounts import upsert_user

AT = datetime(2032, 1, 1, tzinfo=UTC)


def test_the_demo_policy_is_in_force_once(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        upsert_user(session, "fiona", roles=[Role.FINANCE])
        upsert_user(session, "felix", roles=[Role.FINANCE])
    version = put_demo_tag_policy(sessions, AT)
    assert put_demo_tag_policy(sessions, AT) == version
    with sessions() as session:
        in_force = document_in_force(session, DocumentKind.TAG_POLICY, AT)
        assert in_force is not None and in_force.version == version
        assert in_force.proposed_by_id != in_force.decided_by_id
        assert len(document_versions(session, DocumentKind.TAG_POLICY)) == version
