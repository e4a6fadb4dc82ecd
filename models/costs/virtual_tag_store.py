"""Adding and retiring virtual tags, each in the audit trail, and the billing periods whose cost
lines a virtual tag names (the periods its change touches, past ones included)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from domain.costs.governance import VirtualTagMatch
from models.audit.trail import append_audit_entry
from models.costs.virtual_tags import VirtualTag
from models.people.records import User


def add_virtual_tag(
    session: Session,
    match: VirtualTagMatch,
    match_value: str,
    key: str,
    value: str,
    *,
    reason: str,
    by: User,
    at: datetime,
) -> VirtualTag:
    """Store the virtual tag (it applies at once, to every period) and audit who set it."""
    tag = VirtualTag(
        match=match,
        match_value=match_value,
        key=key,
        value=value,
        reason=reason,
        created_by_id=by.id,
    )
    session.add(tag)
    session.flush()
    _audit(session, tag, by, at, "created")
    return tag


def retire_virtual_tag(session: Session, tag: VirtualTag, *, by: User, at: datetime) -> None:
    """The tag stops applying from now on, to every period; audited. Retiring twice is once."""
    if tag.retired_at is None:
        tag.retired_at = at
        session.flush()
        _audit(session, tag, by, at, "retired")


def active_virtual_tags(session: Session) -> Sequence[VirtualTag]:
    return session.scalars(
        select(VirtualTag).where(VirtualTag.retired_at.is_(None)).order_by(VirtualTag.id)
    ).all()


def periods_named(session: Session, tag: VirtualTag) -> list[str]:
    """The billing periods (``YYYY-MM``) holding a cost line the tag names, oldest first."""
    column = VirtualTagMatch(tag.match).value  # one of the enum's column names, never input
    rows = session.execute(
        text(
            "SELECT DISTINCT to_char(billing_period_start, 'YYYY-MM') AS period FROM cost_lines "
            f"WHERE {column} = :value ORDER BY period"
        ),
        {"value": tag.match_value},
    )
    return [row.period for row in rows]


def _audit(session: Session, tag: VirtualTag, by: User, at: datetime, what: str) -> None:
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=by.username,
            action=f"virtual_tag.{what}",
            entity_type="virtual_tag",
            entity_id=f"virtual tag {tag.id}",
            idempotency_key=f"virtual-tag:{tag.id}:{what}",
            after={
                "match": str(tag.match),
                "match_value": tag.match_value,
                "key": tag.key,
                "value": tag.value,
                "reason": tag.reason,
            },
        ),
    )
