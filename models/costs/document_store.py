"""Proposing and deciding governed cost documents. A proposal is checked against its kind's
schema and rules, then kept as the next version of its kind; it takes effect only when someone
other than its author approves it. Stored documents are never edited, and the audit trail keeps
who proposed, who decided, and the change against the version in force (a JSON Patch)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import jsonpatch
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from domain.costs.governance import DocumentKind, DocumentStatus
from models.audit.trail import append_audit_entry
from models.costs.document_rules import RULES
from models.costs.governed_documents import CostDocument
from models.document_errors import DocumentError, DocumentRefused, schema_errors
from models.people.records import User


class DecisionRefused(ValueError):
    """A decision on a document version that poflow does not record; ``rule`` names why."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def document_errors(session: Session, kind: DocumentKind, document: Any) -> list[DocumentError]:
    """Every schema violation; when there is none, what the kind's own checks find."""
    rules = RULES.get(kind)
    if rules is None:
        return [DocumentError("$", f"{kind} documents cannot be uploaded yet")]
    found = schema_errors(rules.validator, document)
    return found or rules.checks(session, document)


def propose_document(
    session: Session,
    kind: DocumentKind,
    document: dict[str, Any],
    *,
    note: str,
    author: User,
    at: datetime,
) -> CostDocument:
    """Check ``document`` and keep it as the next version of ``kind``, proposed. Raises
    ``DocumentRefused`` naming every error; nothing is stored then."""
    errors = document_errors(session, kind, document)
    if errors:
        raise DocumentRefused(errors)
    # Two proposals of one kind at once queue here instead of colliding on the version.
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"cost-document:{kind}"))))
    latest = session.scalar(select(func.max(CostDocument.version)).where(CostDocument.kind == kind))
    proposal = CostDocument(
        kind=kind, version=(latest or 0) + 1, document=document, note=note, proposed_by_id=author.id
    )
    session.add(proposal)
    session.flush()
    current = document_in_force(session, kind, at)
    _audit(session, proposal, author, at, "proposed", _change(current, document))
    return proposal


def decide_document(
    session: Session,
    kind: DocumentKind,
    version: int,
    *,
    decider: User,
    approve: bool,
    note: str,
    at: datetime,
) -> CostDocument:
    """Approve (it is in force from ``at``) or reject a proposed version. Its author may not
    decide it, and a version is decided once. Approving it supersedes every older version still
    proposed; approving a version older than one in force supersedes it instead, so an outdated
    document never goes in force over a newer one."""
    # Decisions on one kind queue here, so two approvals never cross each other.
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"cost-document:{kind}"))))
    proposal = document_version(session, kind, version)
    if proposal is None:
        raise DecisionRefused("unknown_version", f"no {kind} v{version}")
    if proposal.status != DocumentStatus.PROPOSED:
        raise DecisionRefused("already_decided", f"{kind} v{version} is {proposal.status}")
    if proposal.proposed_by_id == decider.id:
        raise DecisionRefused("author_may_not_decide", "the author of a change may not decide it")
    newer = _newer_in_force(session, proposal)
    if approve and newer is not None:
        _supersede(session, proposal, newer, decider, at)
        return proposal
    proposal.status = DocumentStatus.IN_FORCE if approve else DocumentStatus.REJECTED
    proposal.decided_by_id, proposal.decided_at, proposal.decision_note = decider.id, at, note
    proposal.effective_from = at if approve else None
    session.flush()
    _audit(session, proposal, decider, at, "approved" if approve else "rejected", {"note": note})
    for older in _older_proposed(session, proposal) if approve else ():
        _supersede(session, older, proposal, decider, at)
    return proposal


def _newer_in_force(session: Session, proposal: CostDocument) -> CostDocument | None:
    return session.scalar(
        select(CostDocument)
        .where(
            CostDocument.kind == proposal.kind,
            CostDocument.status == DocumentStatus.IN_FORCE,
            CostDocument.version > proposal.version,
        )
        .order_by(CostDocument.version.desc())
        .limit(1)
    )


def _older_proposed(session: Session, proposal: CostDocument) -> Sequence[CostDocument]:
    return session.scalars(
        select(CostDocument)
        .where(
            CostDocument.kind == proposal.kind,
            CostDocument.status == DocumentStatus.PROPOSED,
            CostDocument.version < proposal.version,
        )
        .order_by(CostDocument.version)
    ).all()


def _supersede(
    session: Session, row: CostDocument, newer: CostDocument, actor: User, at: datetime
) -> None:
    """``row`` is decided no more: ``newer`` went in force first."""
    row.status, row.decided_at = DocumentStatus.SUPERSEDED, at
    row.decision_note = f"superseded by v{newer.version}"
    session.flush()
    _audit(session, row, actor, at, "superseded", {"by_version": newer.version})


def _change(current: CostDocument | None, document: dict[str, Any]) -> dict[str, Any]:
    """The proposal against the version in force: the whole document and a JSON Patch."""
    before = current.document if current else {}
    return {
        "document": document,
        "against_version": current.version if current else None,
        "diff": jsonpatch.make_patch(before, document).patch,
    }


def _audit(
    session: Session, row: CostDocument, actor: User, at: datetime, what: str, after: dict[str, Any]
) -> None:
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=actor.username,
            action=f"cost_document.{what}",
            entity_type=str(row.kind),
            entity_id=f"{row.kind} v{row.version}",
            idempotency_key=f"cost-document:{row.kind}:{row.version}:{what}",
            after={"note": row.note, **after} if what == "proposed" else after,
        ),
    )


def document_in_force(session: Session, kind: DocumentKind, at: datetime) -> CostDocument | None:
    """The newest version of ``kind`` approved by ``at``."""
    return session.scalar(
        select(CostDocument)
        .where(
            CostDocument.kind == kind,
            CostDocument.status == DocumentStatus.IN_FORCE,
            CostDocument.effective_from <= at,
        )
        .order_by(CostDocument.effective_from.desc(), CostDocument.version.desc())
        .limit(1)
    )


def document_versions(session: Session, kind: DocumentKind) -> Sequence[CostDocument]:
    """Every version of ``kind``, newest first."""
    newest = CostDocument.version.desc()
    return session.scalars(
        select(CostDocument).where(CostDocument.kind == kind).order_by(newest)
    ).all()


def document_version(session: Session, kind: DocumentKind, version: int) -> CostDocument | None:
    return session.scalar(
        select(CostDocument).where(CostDocument.kind == kind, CostDocument.version == version)
    )
