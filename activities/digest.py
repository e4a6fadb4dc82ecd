"""The digest: one e-mail per person with every message held for them (``digest_items``).

Run on a schedule (daily). Each person's messages are claimed, e-mailed and marked sent in one
transaction, so two runs at once never send a message twice; the e-mail's idempotency key is
made from the messages it carries, so a run repeated after sending but before marking finds the
e-mail recorded and sends nothing again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from adapters.ports import MailTransport, NotificationPort
from domain.notifications import Notification
from domain.temporal_names import Activity
from models.db import unit_of_work
from models.integrations import digest_items
from models.integrations.digest_items import DigestItem
from models.integrations.notification_context import addressees, po_summary
from models.integrations.outbox import PostgresOutbox, recorded_keys

DIGEST_KIND = "digest"


class DigestPort(Protocol):
    def send_digests(self, now: datetime) -> int: ...


class DigestActivities:
    """Sends the digests of messages held at or before the given cut-off. Safe to retry and to
    run twice at once: each message goes out in exactly one digest."""

    def __init__(self, digests: DigestPort) -> None:
        self._digests = digests

    @activity.defn(name=Activity.SEND_DIGESTS)
    def send_digests(self, now: datetime) -> int:
        """The number of digests sent; ``now`` comes from the workflow, so a retry uses the
        same cut-off as the first attempt."""
        return self._digests.send_digests(now)


class DigestsNotSent(RuntimeError):
    """Some people's digests failed; the others went out and are marked sent."""

    def __init__(self, failures: dict[str, Exception]) -> None:
        super().__init__(f"digests not sent to {', '.join(failures)}: {failures!r}")
        self.failures = failures


class MailOutbox:
    """E-mail alone, as the digest goes out: the addressees looked up, the message sent over
    ``mail`` (with none, only recorded) and recorded in the outbox. A key recorded before sends
    nothing again."""

    def __init__(self, sessions: sessionmaker[Session], mail: MailTransport | None) -> None:
        self._sessions = sessions
        self._mail = mail
        self._outbox = PostgresOutbox(sessions)

    def send(self, notification: Notification) -> None:
        with self._sessions() as session:
            if recorded_keys(session, [notification.idempotency_key]):
                return  # sent by an earlier attempt whose result was lost
            recipients = addressees(session, notification.recipient)
            po = po_summary(session, notification.po_number, notification.kind)
        if self._mail is not None:
            self._mail.transmit(notification, recipients, po)
        self._outbox.send(notification)


def send_digests(sessions: sessionmaker[Session], email: NotificationPort, now: datetime) -> int:
    """E-mail everyone with messages held at or before ``now``; the number of digests sent.
    A failure for one person does not stop the others; ``DigestsNotSent`` is raised after."""
    with sessions() as session:
        people = digest_items.people_waiting(session, now)
    sent = 0
    failures: dict[str, Exception] = {}
    for username in people:
        try:
            sent += _send_one(sessions, email, username, now)
        except Exception as error:
            failures[username] = error
    if failures:
        raise DigestsNotSent(failures) from next(iter(failures.values()))
    return sent


def digest_notification(username: str, items: Sequence[DigestItem]) -> Notification:
    """The digest e-mail of ``items``, keyed by the items it carries."""
    carried = ",".join(str(item.id) for item in items)
    key = f"digest:{username}:{hashlib.sha256(carried.encode()).hexdigest()[:32]}"
    count = len(items)
    subject = f"poflow digest: {count} update{'' if count == 1 else 's'}"
    facts: dict[str, object] = {
        "items": [
            {
                "kind": item.kind,
                "subject": item.subject,
                "po_number": item.po_number,
                "held_at": item.created_at.isoformat(),
            }
            for item in items
        ]
    }
    return Notification(username, DIGEST_KIND, subject, None, key, facts)


def _send_one(
    sessions: sessionmaker[Session], email: NotificationPort, username: str, now: datetime
) -> int:
    with unit_of_work(sessions) as session:
        items = digest_items.claim_waiting(session, username, now)
        if not items:
            return 0  # another run took them
        email.send(digest_notification(username, items))
        digest_items.mark_sent(session, [item.id for item in items], now)
    return 1
