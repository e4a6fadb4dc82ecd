"""What every notification channel (e-mail, chat, digest) needs to know about a message, read
from poflow's tables: whom it reaches, and the purchase order it is about."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.notifications import DECISION_KINDS, PoBrief, Recipient
from models.people.records import User, UserRole
from models.purchase_orders.decision_cards import approvers_card
from models.purchase_orders.links import resolve_recipient
from models.purchase_orders.records import PurchaseOrder


def addressees(session: Session, recipient: str) -> list[Recipient]:
    """A username or address; a role name (e.g. ``procurement``) reaches every active holder."""
    found = resolve_recipient(session, recipient)
    if found is not None:
        return [found]
    if recipient not in {role.value for role in Role}:
        return []
    holders = session.scalars(
        select(User.username)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role(recipient), User.active)
        .order_by(User.username)
    ).all()
    return [r for name in holders if (r := resolve_recipient(session, name)) is not None]


def po_summary(session: Session, po_number: str | None, kind: str = "") -> PoBrief | None:
    """The PO as the read model shows it, with its decision card for a message of a kind
    that asks to decide; None when there is none (yet)."""
    if not po_number:
        return None
    po = session.execute(
        select(
            PurchaseOrder.po_number,
            PurchaseOrder.title,
            PurchaseOrder.vendor,
            PurchaseOrder.amount_minor,
            PurchaseOrder.currency,
        ).where(PurchaseOrder.po_number == po_number)
    ).first()  # the header only: the row's JSON detail is large
    if po is None:
        return None
    card = approvers_card(session, po_number, datetime.now(UTC)) if kind in DECISION_KINDS else None
    return PoBrief(po.po_number, po.title, po.vendor, po.amount_minor, po.currency, card)
