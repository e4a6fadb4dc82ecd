"""Cost centers an org import creates: a hierarchy row naming a code that does not exist yet
opens it, with the row's name (else its code), owner and legal entity, under its parent, from
the version's effective day (``opened_on``). It starts with no budget line; each is audited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from domain.org_chart import CenterDetails
from models.audit.trail import append_audit_entry
from models.budgets.org import CostCenter
from models.people.records import User


@dataclass(frozen=True)
class NewCenter:
    """A center the import creates: its parent's code (None: a business unit), what its row
    says of it, and its owner."""

    parent: str | None
    details: CenterDetails
    owner: User


def open_centers(
    session: Session, day: date, new: Mapping[str, NewCenter], *, by: User, at: datetime
) -> dict[str, int]:
    """Create each of ``new`` (by code), opened on ``day``, audited; their ids by code."""
    centers = {
        code: CostCenter(
            code=code,
            name=center.details.name or code,
            owner_id=center.owner.id,
            legal_entity=center.details.legal_entity or None,
            opened_on=day,
        )
        for code, center in new.items()
    }
    session.add_all(centers.values())
    session.flush()
    parents = {center.parent for center in new.values() if center.parent}
    ids = dict(
        session.execute(select(CostCenter.code, CostCenter.id).where(CostCenter.code.in_(parents)))
        .tuples()
        .all()
    )
    for code, row in centers.items():
        parent = new[code].parent
        row.parent_id = ids[parent] if parent else None
    session.flush()
    for code in sorted(new):
        _audit(session, code, new[code], day, by, at)
    return {code: row.id for code, row in centers.items()}


def _audit(
    session: Session, code: str, center: NewCenter, day: date, by: User, at: datetime
) -> None:
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=by.username,
            action="cost_center.created",
            entity_type="cost_center",
            entity_id=code,
            idempotency_key=f"cost-center:{code}:created",
            after={
                "name": center.details.name or code,
                "parent": center.parent,
                "owner": center.owner.username,
                "legal_entity": center.details.legal_entity or None,
                "opened_on": day.isoformat(),
            },
        ),
    )
