"""Who sees which PO, and what waits on whom: read-model queries for the inbox and the PO list,
and the out-of-office delegations they follow.

A PO is visible to its requester; to everyone in its chain or ever entitled in it (eligible,
fallback or escalation pool of a branch, or named in a decision); to their active delegates
within the delegation's scope; and to finance, procurement, auditors and admins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, literal, literal_column, or_, select, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, aliased, defer

from domain.audit_chain import AuditEvent
from domain.catalog import Decision, PoStatus, Role
from domain.entitlement import Delegation
from models.audit_trail import append_audit_entry
from models.governance import DelegationRow
from models.org import CostCenter
from models.people import User
from models.purchase_orders import ApprovalDecision, PurchaseOrder

SEES_EVERY_PO = frozenset({Role.FINANCE, Role.PROCUREMENT, Role.AUDITOR, Role.ADMIN})

# Constant JSON paths over ``purchase_orders.detail`` (the projected PoView); $who is bound.
_ENTITLED = (
    "'$.stages[*].branches[*] ? (@.eligible[*] == $who || @.fallback[*] == $who"
    " || @.escalation_pool[*] == $who)'::jsonpath"
)
_DECIDED = (
    "'$.decisions[*] ? (@.actor == $who || @.on_behalf_of == $who || @.forward_to == $who)'"
    "::jsonpath"
)


@dataclass(frozen=True)
class InboxRow:
    po: PurchaseOrder
    on_behalf_of: str | None
    overdue: bool


@dataclass(frozen=True)
class DecidedRow:
    po_number: str
    title: str
    tier: str
    decision: Decision
    comment: str
    decided_at: datetime
    on_behalf_of: str | None


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


def visible_purchase_order(
    session: Session, user: User, po_number: str, at: datetime
) -> PurchaseOrder | None:
    return session.scalar(
        select(PurchaseOrder).where(
            PurchaseOrder.po_number == po_number, _visible_to(session, user, at)
        )
    )


def purchase_orders(
    session: Session,
    user: User,
    at: datetime,
    *,
    status: PoStatus | None = None,
    cost_center: str | None = None,
    approver: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Sequence[PurchaseOrder]:
    """The POs ``user`` may see, newest first, narrowed by the filters given."""
    query = select(PurchaseOrder).where(_visible_to(session, user, at))
    if status is not None:
        query = query.where(PurchaseOrder.status == status)
    if cost_center is not None:
        query = query.where(PurchaseOrder.cost_center == cost_center)
    if approver is not None:
        query = query.where(PurchaseOrder.current_approvers.contains([approver]))
    order = (PurchaseOrder.created_at.desc(), PurchaseOrder.po_number.desc())
    return session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()


def inbox(session: Session, user: User, at: datetime) -> list[InboxRow]:
    """What waits on ``user``: POs whose current tier waits on them, then those waiting on a
    delegator of theirs (within the delegation's scope); soonest deadline first. A requester's
    own POs whose approver asked them for information wait on them too."""
    rows = {row.po.po_number: row for row in _asked_for_information(session, user)}
    waiting = [(user.username, None, true())] + [
        (name, name, _within(row)) for row, name in active_delegations_to(session, user, at)
    ]
    for person, on_behalf_of, scope in waiting:
        query = (
            select(PurchaseOrder)
            .options(defer(PurchaseOrder.detail))  # the inbox shows the header only
            .where(PurchaseOrder.current_approvers.contains([person]), scope)
        )
        for po in session.scalars(query):
            overdue = po.tier_deadline is not None and po.tier_deadline < at
            rows.setdefault(po.po_number, InboxRow(po, on_behalf_of, overdue))
    far = datetime.max.replace(tzinfo=at.tzinfo)
    return sorted(rows.values(), key=lambda r: (r.po.tier_deadline or far, r.po.po_number))


def _asked_for_information(session: Session, user: User) -> list[InboxRow]:
    query = (
        select(PurchaseOrder)
        .options(defer(PurchaseOrder.detail))
        .where(
            PurchaseOrder.requester == user.username,
            PurchaseOrder.status == PoStatus.INFORMATION_REQUESTED,
        )
    )
    # the tier's clock stands still while the requester is asked, so nothing is overdue
    return [InboxRow(po, None, overdue=False) for po in session.scalars(query)]


def recently_decided(session: Session, user: User, limit: int = 20) -> list[DecidedRow]:
    """The last decisions ``user`` took, newest first."""
    principal = aliased(User)
    rows = session.execute(
        select(ApprovalDecision, PurchaseOrder.title, principal.username)
        .join(PurchaseOrder, PurchaseOrder.po_number == ApprovalDecision.po_number)
        .outerjoin(principal, principal.id == ApprovalDecision.on_behalf_of_id)
        .where(ApprovalDecision.actor_id == user.id)
        .order_by(ApprovalDecision.decided_at.desc(), ApprovalDecision.id.desc())
        .limit(limit)
    ).all()
    return [
        DecidedRow(d.po_number, title, d.tier, d.decision, d.comment, d.decided_at, on_behalf)
        for d, title, on_behalf in rows
    ]


def _visible_to(session: Session, user: User, at: datetime) -> ColumnElement[bool]:
    if user.role_names & SEES_EVERY_PO:
        return true()
    delegated = [
        and_(_within(row), _in_chain(name))
        for row, name in active_delegations_to(session, user, at)
    ]
    return or_(PurchaseOrder.requester == user.username, _in_chain(user.username), *delegated)


def _in_chain(username: str) -> ColumnElement[bool]:
    who = literal({"who": username}, JSONB)
    return or_(
        PurchaseOrder.current_approvers.contains([username]),
        func.jsonb_path_exists(PurchaseOrder.detail, literal_column(_ENTITLED), who),
        func.jsonb_path_exists(PurchaseOrder.detail, literal_column(_DECIDED), who),
    )


def _within(delegation: DelegationRow) -> ColumnElement[bool]:
    """The POs a delegation's scope covers: its cost centers (all if none), up to its amount."""
    conditions: list[ColumnElement[bool]] = []
    if delegation.cost_centers:
        conditions.append(PurchaseOrder.cost_center.in_(delegation.cost_centers))
    if delegation.max_amount_base_minor is not None:
        conditions.append(PurchaseOrder.amount_base_minor <= delegation.max_amount_base_minor)
    return and_(true(), *conditions)


# -- the delegations themselves --------------------------------------------------------------


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
