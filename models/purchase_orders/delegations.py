"""Out-of-office delegations: recording and revoking them (each audited), and which ones a
person holds at a moment, within the scope (cost centers, amount) the delegator gave."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session, aliased

from domain.audit_chain import AuditEvent
from domain.catalog import Role
from domain.entitlement import Delegation
from models.audit.trail import append_audit_entry
from models.budgets.org import CostCenter
from models.people.records import User
from models.purchase_orders.governance import DelegationRow


def active_delegations_to(
    session: Session, delegate: User, at: datetime
) -> list[tuple[DelegationRow, str]]:
    """The delegations ``delegate`` holds at ``at``, each with its delegator's username."""
    delegator = aliased(User)
    rows = session.execute(
        select(DelegationRow, delegator.username)
        .join(delegator, delegator.id == DelegationRow.delegator_id)
        .where(delegation_active(delegator, delegate, at))
        .order_by(DelegationRow.created_at.desc(), DelegationRow.id.desc())
    ).all()
    return [(row, username) for row, username in rows]


def delegation_active(delegator: type[User], delegate: User, at: datetime) -> ColumnElement[bool]:
    """A delegation to ``delegate`` in force at ``at``, from the still active ``delegator`` (an
    alias of ``User`` joined to the delegation)."""
    return and_(
        DelegationRow.delegate_id == delegate.id,
        DelegationRow.revoked_at.is_(None),
        DelegationRow.starts_at <= at,
        DelegationRow.ends_at > at,
        delegator.active.is_(True),
    )


def delegation_for_decision(
    session: Session, delegate: User, delegator: str, at: datetime
) -> Delegation | None:
    """The delegation under which ``delegate`` decides for ``delegator`` now (the newest)."""
    held = [d for d in delegations_held(session, delegate, at) if d.delegator == delegator]
    return held[0] if held else None


def delegations_held(session: Session, delegate: User, at: datetime) -> list[Delegation]:
    """The delegations ``delegate`` decides under at ``at``: the newest from each delegator."""
    newest: dict[str, Delegation] = {}
    for row, username in active_delegations_to(session, delegate, at):
        newest.setdefault(
            username,
            Delegation(
                delegator=username,
                delegate=delegate.username,
                starts=row.starts_at,
                ends=row.ends_at,
                cost_centers=tuple(row.cost_centers),
                max_amount_base_minor=row.max_amount_base_minor,
            ),
        )
    return list(newest.values())


class DelegationRefused(ValueError):
    """A delegation that cannot be recorded; the message says why."""


@dataclass(frozen=True)
class DelegationEntry:
    row: DelegationRow
    delegator: str
    delegate: str

    def active(self, at: datetime) -> bool:
        row = self.row
        return row.revoked_at is None and row.starts_at <= at < row.ends_at


def delegations_of(session: Session, user: User) -> list[DelegationEntry]:
    """Every delegation ``user`` gave or holds, newest first; every one there is for an admin."""
    if Role.ADMIN in user.role_names:
        return _entries(session, true())
    return _entries(
        session,
        or_(DelegationRow.delegator_id == user.id, DelegationRow.delegate_id == user.id),
    )


def record_delegation(
    session: Session,
    delegator: User,
    delegate: str,
    window: tuple[datetime, datetime],
    cost_centers: Sequence[str] = (),
    max_amount_base_minor: int | None = None,
    *,
    at: datetime,
) -> DelegationEntry:
    """Store a delegation from ``delegator`` to another active user, over known cost centers."""
    person = session.scalar(select(User).where(User.username == delegate, User.active.is_(True)))
    if person is None:
        raise DelegationRefused(f"{delegate} is not an active user")
    if person.id == delegator.id:
        raise DelegationRefused("a delegation goes to someone other than yourself")
    known = set(session.scalars(select(CostCenter.code).where(CostCenter.code.in_(cost_centers))))
    unknown = sorted(set(cost_centers) - known)
    if unknown:
        raise DelegationRefused(f"unknown cost center(s): {', '.join(unknown)}")
    row = DelegationRow(
        delegator_id=delegator.id,
        delegate_id=person.id,
        starts_at=window[0],
        ends_at=window[1],
        cost_centers=sorted(set(cost_centers)),
        max_amount_base_minor=max_amount_base_minor,
    )
    session.add(row)
    session.flush()
    entry = DelegationEntry(row, delegator.username, person.username)
    _audit(session, entry, "delegation.created", at)
    return entry


def revoke_delegation(session: Session, entry: DelegationEntry, by: User, at: datetime) -> None:
    """End the delegation at ``at``; a revoked one stays as it was."""
    if entry.row.revoked_at is None:
        entry.row.revoked_at = at
        session.flush()
        _audit(session, entry, "delegation.revoked", at, actor=by.username)


def delegation(session: Session, delegation_id: int) -> DelegationEntry | None:
    found = _entries(session, DelegationRow.id == delegation_id)
    return found[0] if found else None


def _audit(
    session: Session, entry: DelegationEntry, action: str, at: datetime, actor: str | None = None
) -> None:
    row = entry.row
    after = {
        "delegator": entry.delegator,
        "delegate": entry.delegate,
        "starts_at": row.starts_at.isoformat(),
        "ends_at": row.ends_at.isoformat(),
        "cost_centers": list(row.cost_centers),
        "max_amount_base_minor": row.max_amount_base_minor,
    }
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=actor or entry.delegator,
            action=action,
            entity_type="delegation",
            entity_id=str(row.id),
            idempotency_key=f"delegation:{row.id}:{action}",
            after=after,
        ),
    )


def _entries(session: Session, condition: ColumnElement[bool]) -> list[DelegationEntry]:
    delegator, delegate = aliased(User), aliased(User)
    rows = session.execute(
        select(DelegationRow, delegator.username, delegate.username)
        .join(delegator, delegator.id == DelegationRow.delegator_id)
        .join(delegate, delegate.id == DelegationRow.delegate_id)
        .where(condition)
        .order_by(DelegationRow.created_at.desc(), DelegationRow.id.desc())
    ).all()
    return [DelegationEntry(row, giver, holder) for row, giver, holder in rows]
