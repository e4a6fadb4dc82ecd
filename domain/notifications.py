"""A message to one person, and what every channel (e-mail, chat, digest) is told about it:
whom it reaches and the purchase order it is about."""

from dataclasses import dataclass, field
from typing import Any

from domain.decision_card import DecisionCard

# Kinds that ask the addressee to decide: they carry decision links by e-mail and are never
# held back for a digest.
DECISION_KINDS = frozenset({"approval_requested", "reminder", "escalation"})


@dataclass(frozen=True)
class Notification:
    """A message to one person; ``recipient`` is a username or an e-mail address."""

    recipient: str
    kind: str
    subject: str
    po_number: str | None
    idempotency_key: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recipient:
    """Where a message goes: an address, the name to greet, and the username if it is a user."""

    email: str
    display_name: str
    username: str | None


@dataclass(frozen=True)
class PoBrief:
    """The PO a message is about; ``card`` is its decision card in messages that ask the
    addressee to decide (``DECISION_KINDS``), enough to decide from the message."""

    po_number: str
    title: str
    vendor: str
    amount_minor: int
    currency: str
    card: DecisionCard | None = None


def po_url(app_url: str, po_number: str) -> str:
    """The PO's page in the web app, where the reader of a message signs in to act."""
    return f"{app_url.rstrip('/')}/po/{po_number}"
