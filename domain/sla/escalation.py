"""The escalation a breach raises per the PO's procedure: a message to the cost-center owner and
to every escalation contact of the PO's SLA that is an e-mail address, naming the breaches, the
credits they earn and whom the procedure says to call (contacts that are not addresses, such as
"Vendor duty manager, +44 20 7946 0000")."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.notifications import Notification

SLA_BREACH = "sla_breach"


@dataclass(frozen=True)
class BreachCredit:
    """A breach as it was credited: its id, month (YYYY-MM), what was breached and the credit."""

    credit_id: int
    month: str
    breach: str
    measured: str
    target: str
    amount_minor: int
    currency: str


def escalation_recipients(owner: str | None, contacts: Sequence[str]) -> list[str]:
    """The cost-center owner's username, then each contact that is an e-mail address, once."""
    found = [owner] if owner else []
    for contact in contacts:
        if is_address(contact) and contact not in found:
            found.append(contact)
    return found


def is_address(contact: str) -> bool:
    local, at, domain = contact.strip().partition("@")
    return bool(at and local and "." in domain and not any(c.isspace() for c in contact.strip()))


def escalation_notices(
    po_number: str,
    recipients: Sequence[str],
    contacts: Sequence[str],
    credits: Sequence[BreachCredit],
) -> list[Notification]:
    """One message to each recipient about the breaches found together; its key is the first
    breach's id, the number found and the recipient, so a resend delivers nothing twice."""
    if not credits or not recipients:
        return []
    first = min(c.credit_id for c in credits)
    owed = sum(c.amount_minor for c in credits)
    subject = f"SLA of {po_number} breached {len(credits)} time(s)" + (
        ", a service credit is owed" if owed else ", the month's credit cap is reached"
    )
    facts: dict[str, Any] = {
        "breaches": [f"{c.month} {c.breach}: {c.measured} against {c.target}" for c in credits],
        "credit_minor": owed,
        "currency": credits[0].currency,
        "call": [c for c in contacts if not is_address(c)],
    }
    return [
        Notification(
            recipient,
            SLA_BREACH,
            subject,
            po_number,
            f"sla-escalation:{po_number}:{first}:{len(credits)}:{_digest(recipient)}",
            facts,
        )
        for recipient in recipients
    ]


def _digest(recipient: str) -> str:
    return hashlib.sha256(recipient.encode()).hexdigest()[:16]
