"""Fiscal policy per cost center: reserve budget when a PO is raised ("creation"), or book only
the actual cost when it is invoiced ("invoice"). A change applies to postings from then on;
what POs already hold stays until it is committed, relieved or released."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from models import CostCenter
from models.audit.trail import append_audit_entry
from models.people.records import User

RESERVE_AT = ("creation", "invoice")


class FiscalPolicyRefused(ValueError):
    """A fiscal policy that is not one of ``RESERVE_AT``."""


def set_reserve_at(session: Session, code: str, reserve_at: str, *, by: User, at: datetime) -> bool:
    """Set when cost center ``code`` books budget, with an audit entry; False when there is no
    such cost center."""
    if reserve_at not in RESERVE_AT:
        raise FiscalPolicyRefused(
            f"{reserve_at!r} is not a fiscal policy; choose {' or '.join(RESERVE_AT)}"
        )
    center = session.scalar(select(CostCenter).where(CostCenter.code == code))
    if center is None:
        return False
    before, center.reserve_at = center.reserve_at, reserve_at
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=by.username,
            action="cost_center.fiscal_policy_changed",
            entity_type="cost_center",
            entity_id=code,
            idempotency_key=f"fiscal-policy:{code}:{uuid.uuid4()}",
            before={"reserve_at": before},
            after={"reserve_at": reserve_at},
        ),
    )
    session.flush()
    return True
