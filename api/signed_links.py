"""Signed decision links: what an e-mail to an approver carries, and what the link page reads.

A token names one decision (PO, approver, action, tier) and a link id, signed with the app's
secret key and a salt of its own, with the time it was signed. Keys rotate: links are signed with
``secret_key`` and still accepted under any of ``old_secret_keys``. A link works once: the link id
is claimed in ``used_links`` in the transaction that sends the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from domain.catalog import Decision
from models.purchase_orders.links import claim_link
from settings import Settings

LINK_SALT = "poflow-decision-link"
CONFIRM_SALT = "poflow-decision-link-confirm"
LINK_ACTIONS = (Decision.APPROVE, Decision.REJECT)


@dataclass(frozen=True)
class DecisionLink:
    """What a valid token says: ``approver`` may send ``action`` on ``po_number``'s ``tier``."""

    po_number: str
    approver: str
    action: Decision
    tier: str
    link_id: str


class LinkRefused(Exception):
    """A token that decides nothing."""


class LinkExpired(LinkRefused):
    """Signed by poflow, but older than ``link_max_age_hours``; names its PO when it can."""

    def __init__(self, po_number: str | None) -> None:
        super().__init__(po_number)
        self.po_number = po_number


class LinkTampered(LinkRefused):
    """Not signed by poflow under any current or old key, or not a decision link at all."""


def make_decision_link(
    settings: Settings,
    po_number: str,
    approver: str,
    action: Decision,
    tier: str,
    link_id: str,
    *,
    issued_at: datetime | None = None,
) -> str:
    """The absolute URL of the link page for this decision (``issued_at`` is for tests)."""
    if action not in LINK_ACTIONS:
        raise ValueError(f"a link can approve or reject, not {action.value}")
    payload = {"po": po_number, "by": approver, "do": action.value, "tier": tier, "id": link_id}
    token = _serializer(settings, _clock(issued_at), LINK_SALT).dumps(payload)
    return f"{settings.app_url.rstrip('/')}/links/{token}"


def read_link(settings: Settings, token: str) -> DecisionLink:
    """The decision a token names; ``LinkExpired`` or ``LinkTampered`` when it names none."""
    serializer = _serializer(settings, None, LINK_SALT)
    try:
        payload = serializer.loads(token, max_age=settings.link_max_age_hours * 3600)
    except SignatureExpired as expired:
        raise LinkExpired(_po_of(serializer, expired.payload)) from expired
    except BadSignature as tampered:
        raise LinkTampered(str(tampered)) from tampered
    try:
        link = DecisionLink(
            po_number=str(payload["po"]),
            approver=str(payload["by"]),
            action=Decision(payload["do"]),
            tier=str(payload["tier"]),
            link_id=str(payload["id"]),
        )
    except (KeyError, TypeError, ValueError) as malformed:
        raise LinkTampered("not a decision link") from malformed
    if link.action not in LINK_ACTIONS:
        raise LinkTampered("not a decision link")
    return link


def confirmation_token(settings: Settings, link: DecisionLink) -> str:
    """What the confirmation page's form posts back: the link id signed under another salt."""
    return str(_serializer(settings, None, CONFIRM_SALT).dumps(link.link_id))


def confirmation_matches(settings: Settings, link: DecisionLink, token: str) -> bool:
    try:
        link_id = _serializer(settings, None, CONFIRM_SALT).loads(
            token, max_age=settings.link_max_age_hours * 3600
        )
    except BadSignature:
        return False
    return bool(link_id == link.link_id)


def spend(session: Session, link: DecisionLink) -> bool:
    """Claim the link in the caller's transaction; False if it was used already."""
    return claim_link(session, link.link_id, link.approver)


def _serializer(settings: Settings, clock: int | None, salt: str) -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key and accepts any of them.
    keys = [old.get_secret_value() for old in settings.old_secret_keys]
    keys.append(settings.secret_key.get_secret_value())
    signer: type[TimestampSigner] = TimestampSigner if clock is None else _fixed_clock(clock)
    return URLSafeTimedSerializer(keys, salt=salt, signer=signer)


def _clock(issued_at: datetime | None) -> int | None:
    return None if issued_at is None else int(issued_at.timestamp())


def _fixed_clock(timestamp: int) -> type[TimestampSigner]:
    class FixedClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return timestamp

    return FixedClockSigner


def _po_of(serializer: URLSafeTimedSerializer, raw: Any) -> str | None:
    """The PO an expired (but genuine) token names, to offer its page after signing in."""
    try:
        payload = serializer.load_payload(raw)
    except BadSignature:
        return None
    return str(payload["po"]) if isinstance(payload, dict) and "po" in payload else None
