"""What every notification channel (e-mail, chat, digest) needs to know about a message: whom it
reaches, the purchase order it is about, and whether it asks its addressee to decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.ports import NotificationPort
from domain.catalog import Role
from domain.decision_card import DecisionCard
from domain.notifications import Notification
from models.decision_cards import approvers_card
from models.links import Recipient, resolve_recipient
from models.people import User, UserRole
from models.purchase_orders import PurchaseOrder

# Kinds that ask the addressee to decide: they carry decision links by e-mail and are never
# held back for a digest.
DECISION_KINDS = frozenset({"approval_requested", "reminder", "escalation"})


@dataclass(frozen=True)
class PoSummary:
    """The PO a message is about; ``card`` is its decision card in messages that ask the
    addressee to decide (``DECISION_KINDS``), enough to decide from the message."""

    po_number: str
    title: str
    vendor: str
    amount_minor: int
    currency: str
    card: DecisionCard | None = None


class MailTransport(NotificationPort, Protocol):
    """E-mail: ``send`` looks up, sends and records a whole notification (the digest uses it);
    ``transmit`` sends to addressees the caller already looked up and records nothing, since
    the caller records the delivery."""

    def transmit(
        self, notification: Notification, recipients: list[Recipient], po: PoSummary | None
    ) -> None: ...


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


def po_summary(session: Session, po_number: str | None, kind: str = "") -> PoSummary | None:
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
    return PoSummary(po.po_number, po.title, po.vendor, po.amount_minor, po.currency, card)


def po_url(app_url: str, po_number: str) -> str:
    return f"{app_url.rstrip('/')}/po/{po_number}"
