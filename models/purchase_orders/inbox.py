"""Who sees which PO, and what waits on whom: read-model queries for the inbox and the PO list.

A PO is visible to its requester; to everyone in its chain or ever entitled in it (eligible,
fallback or escalation pool of a branch, or named in a decision); to their active delegates
within the delegation's scope (``models.purchase_orders.delegations``); and to finance,
procurement, auditors and admins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, literal, literal_column, or_, select, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, aliased, defer

from domain.catalog import Decision, PoStatus, Role
from models.people.records import User
from models.purchase_orders.delegations import active_delegations_to
from models.purchase_orders.governance import DelegationRow
from models.purchase_orders.records import ApprovalDecision, PurchaseOrder

SEES_EVERY_PO = frozenset({Role.FINANCE, Role.PROCUREMENT, Role.AUDITOR, Role.ADMIN})

# Constant JSON paths over ``purchase_orders.detail`` (the projected PoView); $who is bound.
_ENTITLED = (
    "'$.tiers[*].branches[*] ? (@.eligible[*] == $who || @.fallback[*] == $who"
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
