"""The demo's tag policy, put in force under change control (fiona proposes, felix approves):
``cost_center`` (``CostCenter`` an alias) must be the code of a cost center on every line, and
``environment`` (``env``) prod, test or dev on every Azure line. The demo's real AWS sample
carries no tags and its Azure sample only ``tagA``..``tagC``, so the compliance page shows real
untagged spend and its resources to fix. Idempotent: with a tag policy in force, nothing is
added."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from domain.costs.governance import DocumentKind
from models.costs.document_store import decide_document, document_in_force, propose_document
from models.people.accounts import find_user

DEMO_TAG_POLICY: dict[str, Any] = {
    "keys": {
        "cost_center": {
            "owner": "finance",
            "tag_key": "CostCenter",
            "allowed": {"exists": "cost_center"},
        },
        "environment": {
            "owner": "it_operations",
            "tag_key": "Environment",
            "allowed": {"values": ["prod", "test", "dev"]},
        },
    },
    "aliases": {"CostCenter": "cost_center", "env": "environment"},
    "required": [
        {"scope": {"provider": "all"}, "keys": ["cost_center"]},
        {"scope": {"provider": "Microsoft"}, "keys": ["environment"]},
    ],
    "aws_enforced_for": ["ec2:instance"],
}


def put_demo_tag_policy(sessions: sessionmaker[Session], at: datetime | None = None) -> int:
    """The version of the tag policy in force, the demo's put in force first if none is."""
    now = at or datetime.now(UTC)
    with sessions.begin() as session:
        current = document_in_force(session, DocumentKind.TAG_POLICY, now)
        if current is not None:
            return current.version
        author, approver = find_user(session, "fiona"), find_user(session, "felix")
        assert author is not None and approver is not None, "the demo organisation is not loaded"
        proposal = propose_document(
            session, DocumentKind.TAG_POLICY, DEMO_TAG_POLICY, note="demo", author=author, at=now
        )
        decide_document(
            session,
            DocumentKind.TAG_POLICY,
            proposal.version,
            decider=approver,
            approve=True,
            note="demo",
            at=now,
        )
        return proposal.version
