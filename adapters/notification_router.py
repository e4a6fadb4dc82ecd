"""Notifications delivered on the channels each person chose (``models.notification_preferences``):
e-mail at once or held for their digest, and the team chat channels poflow posts to.

Each channel of a notification is recorded under its own key (the notification's key + ``:`` +
the channel) once it delivered, so a retried activity skips what already went out and resends
only the channel that failed. Chat webhooks take no idempotency key: a post that succeeded but
could not be recorded is posted again on retry.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adapters.chat_webhooks import ChatWebhook
from adapters.demo import PostgresOutbox
from adapters.digest import send_digests
from adapters.notification_context import DECISION_KINDS, PoSummary, po_summary
from adapters.ports import Notification, NotificationPort
from models import digest_items
from models.db import unit_of_work
from models.links import resolve_recipient
from models.notification_preferences import Preferences, preferences_of
from models.outbound import OutboundMessage

log = logging.getLogger("poflow.notifications")

EMAIL = "email"
DIGEST = "digest"


class NotDelivered(RuntimeError):
    """Some channels of a notification failed; the others delivered and are recorded."""

    def __init__(self, key: str, failures: dict[str, Exception]) -> None:
        detail = "; ".join(f"{channel}: {error!r}" for channel, error in failures.items())
        super().__init__(f"{key} not delivered by {', '.join(failures)} ({detail})")
        self.failures = failures


def channels_for(preferences: Preferences, kind: str, chats: Sequence[str]) -> list[str]:
    """The channels a notification of ``kind`` takes for a person with ``preferences``, given
    the chat channels poflow posts to. A decision someone waits on is never held for a digest,
    and is e-mailed when none of the person's chosen channels would carry it."""
    urgent = kind in DECISION_KINDS
    channels: list[str] = []
    if preferences.email:
        channels.append(DIGEST if preferences.digest and not urgent else EMAIL)
    if preferences.chat:
        channels.extend(chats)
    if urgent and not channels:
        channels.append(EMAIL)
    return channels


class NotificationRouter:
    """A ``NotificationPort`` over the e-mail port and the chat webhooks. Usernames get the
    channels they chose; role names (``procurement``) and plain addresses (vendors) get e-mail.
    A failed channel does not stop the others; the send then raises ``NotDelivered``, so the
    activity's retry policy tries again."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        email: NotificationPort,
        chats: Sequence[ChatWebhook] = (),
        *,
        app_url: str,
    ) -> None:
        self._sessions = sessions
        self._email = email
        self._chats = {chat.channel: chat for chat in chats}
        self._app_url = app_url
        self._outbox = PostgresOutbox(sessions)

    def send(self, notification: Notification) -> None:
        with self._sessions() as session:
            channels = channels_for(
                _preferences(session, notification.recipient), notification.kind, [*self._chats]
            )
            done = _recorded(session, [_key(notification, channel) for channel in channels])
            po = po_summary(session, notification.po_number)
        failures: dict[str, Exception] = {}
        for channel in channels:
            if _key(notification, channel) in done:
                continue  # delivered by an earlier attempt
            try:
                self._deliver(channel, notification, po)
            except Exception as error:
                log.warning("%s: %s failed: %r", notification.idempotency_key, channel, error)
                failures[channel] = error
        if failures:
            first = next(iter(failures.values()))
            raise NotDelivered(notification.idempotency_key, failures) from first

    def send_digests(self, now: datetime) -> int:
        """E-mail each person their held messages (see ``adapters.digest``)."""
        return send_digests(self._sessions, self._email, now)

    def _deliver(self, channel: str, notification: Notification, po: PoSummary | None) -> None:
        key = _key(notification, channel)
        if channel == DIGEST:
            with unit_of_work(self._sessions) as session:
                digest_items.hold(
                    session,
                    notification.recipient,
                    kind=notification.kind,
                    subject=notification.subject,
                    po_number=notification.po_number,
                    facts=notification.facts,
                    idempotency_key=key,
                )
            return
        if channel == EMAIL:  # the e-mail port records what it sent under ``key``
            self._email.send(replace(notification, idempotency_key=key))
            return
        self._chats[channel].post(notification, po, self._app_url)
        body = {"kind": notification.kind, **notification.facts}
        self._outbox.record(
            channel, notification.recipient, notification.subject, body, notification.po_number, key
        )


def _preferences(session: Session, recipient: str) -> Preferences:
    found = resolve_recipient(session, recipient)
    if found is None or found.username is None:
        return Preferences()  # a role or an outside address: e-mail only
    return preferences_of(session, found.username)


def _recorded(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    found = session.scalars(
        select(OutboundMessage.idempotency_key).where(OutboundMessage.idempotency_key.in_(keys))
    )
    return set(found)


def _key(notification: Notification, channel: str) -> str:
    return f"{notification.idempotency_key}:{channel}"
