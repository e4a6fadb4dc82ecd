"""Storing approval policies: every upload is checked against ``POLICY_SCHEMA`` and parsed, then
kept as the next version of its name. Stored versions are never edited: a PO keeps the version
that routed it (its workflow pins the parsed policy), so a new version only routes new POs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from domain.policy_document import PolicyError, build_policy
from models.audit.trail import append_audit_entry
from models.document_errors import DocumentError, DocumentRefused, schema_errors
from models.people.records import User
from models.purchase_orders.policies import ApprovalPolicy
from models.purchase_orders.policy_schema import SCHEMA


class PolicyRefused(DocumentRefused):
    """A policy document that is not stored, with every error found in it."""


def document_errors(name: str, document: dict[str, Any], base_currency: str) -> list[DocumentError]:
    """Every schema violation; when there is none, what the parser or the service refuses."""
    found = schema_errors(SCHEMA, document)
    if found:
        return found
    try:
        build_policy(name, 1, document)
    except PolicyError as error:
        path, _, message = str(error).partition(": ")
        return [DocumentError(f"$.{path}" if path != "document" else "$", message)]
    if document["base_currency"] != base_currency:
        return [
            DocumentError(
                "$.base_currency",
                f"amounts here are converted to {base_currency}; the policy must use it too",
            )
        ]
    return []


def store_policy(
    session: Session,
    name: str,
    document: dict[str, Any],
    *,
    note: str,
    author: User,
    base_currency: str,
    at: datetime,
) -> ApprovalPolicy:
    """Validate ``document`` and store it as version max+1 of ``name``, with an audit entry; it
    routes new POs from now on. Raises ``PolicyRefused`` naming every error; nothing is stored
    then."""
    errors = document_errors(name, document, base_currency)
    if errors:
        raise PolicyRefused(errors)
    # Two uploads of one name at once queue here instead of colliding on the version.
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"policy:{name}"))))
    latest = session.scalar(
        select(func.max(ApprovalPolicy.version)).where(ApprovalPolicy.name == name)
    )
    policy = ApprovalPolicy(
        name=name,
        version=(latest or 0) + 1,
        document=document,
        note=note,
        created_by_id=author.id,
    )
    session.add(policy)
    session.flush()
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=author.username,
            action="policy.stored",
            entity_type="approval_policy",
            entity_id=f"{name} v{policy.version}",
            idempotency_key=f"policy:{name}:{policy.version}",
            after={"note": note, "document": document},
        ),
    )
    return policy


def policy_versions(session: Session) -> Sequence[ApprovalPolicy]:
    """Every stored version, newest first."""
    newest = (ApprovalPolicy.created_at.desc(), ApprovalPolicy.id.desc())
    return session.scalars(select(ApprovalPolicy).order_by(*newest)).all()


def policy_version(session: Session, name: str, version: int) -> ApprovalPolicy | None:
    return session.scalar(
        select(ApprovalPolicy).where(ApprovalPolicy.name == name, ApprovalPolicy.version == version)
    )
