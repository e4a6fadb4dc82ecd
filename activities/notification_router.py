"""Notifications delivered on the channels each person chose
(``models.people.notification_preferences``): e-mail at once or held for their digest, and
the team chat channels poflow posts to.

Each channel of a notification is recorded under its own key (the notification's key + ``:`` +
the channel) once every channel was tried, the ones that delivered together in one transaction,
so a retried activity skips what already went out and resends only the channel that failed.
Chat webhooks take no idempotency key: a post that succeeded but could not be recorded is posted
again on retry.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from activities.digest import MailOutbox, send_digests
from adapters.chat_webhooks import ChatWebhook
from adapters.ports import MailTransport
from domain.notifications import DECISION_KINDS, Notification, PoBrief, Recipient
from models.db import unit_of_work
from models.integrations import digest_items
from models.integrations.notification_context import addressees, po_summary
from models.integrations.outbox import EMAIL_CHANNEL, Delivery, record_deliveries, recorded_keys
from models.people.notification_preferences import Preferences, preferences_of
from models.purchase_orders.links import resolve_recipient

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


@dataclass(frozen=True)
class _Lookup:
    """What one notification's channels need, read in one session before anything is sent."""

    channels: list[str]
    done: set[str]  # channel keys an earlier attempt delivered
    recipients: list[Recipient]  # the e-mail addressees
    po: PoBrief | None


class NotificationRouter:
    """A ``NotificationPort`` over e-mail and the chat webhooks. Usernames get the channels they
    chose; role names (``procurement``) and plain addresses (vendors) get e-mail. With no mail
    transport, e-mail is recorded in the outbox only. A failed channel does not stop the others;
    what delivered is recorded in one transaction, then the send raises ``NotDelivered``, so the
    activity's retry policy tries again."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        mail: MailTransport | None,
        chats: Sequence[ChatWebhook] = (),
        *,
        app_url: str,
    ) -> None:
        self._sessions = sessions
        self._mail = mail
        self._chats = {chat.channel: chat for chat in chats}
        self._app_url = app_url

    def send(self, notification: Notification) -> None:
        lookup = self._read(notification)
        delivered: list[str] = []
        failures: dict[str, Exception] = {}
        for channel in lookup.channels:
            if _key(notification, channel) in lookup.done:
                continue  # delivered by an earlier attempt
            try:
                self._deliver(channel, notification, lookup)
                delivered.append(channel)
            except Exception as error:
                log.warning("%s: %s failed: %r", notification.idempotency_key, channel, error)
                failures[channel] = error
        self._record(notification, delivered)
        if failures:
            first = next(iter(failures.values()))
            raise NotDelivered(notification.idempotency_key, failures) from first

    def send_digests(self, now: datetime) -> int:
        """E-mail each person their held messages (see ``activities.digest``)."""
        return send_digests(self._sessions, MailOutbox(self._sessions, self._mail), now)

    def _read(self, notification: Notification) -> _Lookup:
        with self._sessions() as session:
            found = resolve_recipient(session, notification.recipient)
            channels = channels_for(_preferences(session, found), notification.kind, [*self._chats])
            done = recorded_keys(session, [_key(notification, channel) for channel in channels])
            recipients: list[Recipient] = []
            if EMAIL in channels:  # a role name reaches its holders
                recipients = [found] if found else addressees(session, notification.recipient)
            po = po_summary(session, notification.po_number, notification.kind)
        return _Lookup(channels, done, recipients, po)

    def _deliver(self, channel: str, notification: Notification, lookup: _Lookup) -> None:
        if channel == EMAIL:
            if self._mail is not None:
                self._mail.transmit(notification, lookup.recipients, lookup.po)
        elif channel != DIGEST:
            self._chats[channel].post(notification, lookup.po, self._app_url)

    def _record(self, notification: Notification, channels: list[str]) -> None:
        """Every channel that delivered, in one transaction: held for the digest, or kept in
        the outbox (e-mail under ``EMAIL_CHANNEL``)."""
        if not channels:
            return
        body = {"kind": notification.kind, **notification.facts}
        sent = [
            Delivery(
                EMAIL_CHANNEL if channel == EMAIL else channel,
                notification.recipient,
                notification.subject,
                body,
                notification.po_number,
                _key(notification, channel),
            )
            for channel in channels
            if channel != DIGEST
        ]
        with unit_of_work(self._sessions) as session:
            if DIGEST in channels:
                _hold(session, notification, _key(notification, DIGEST))
            record_deliveries(session, sent)


def _hold(session: Session, notification: Notification, key: str) -> None:
    digest_items.hold(
        session,
        notification.recipient,
        kind=notification.kind,
        subject=notification.subject,
        po_number=notification.po_number,
        facts=notification.facts,
        idempotency_key=key,
    )


def _preferences(session: Session, found: Recipient | None) -> Preferences:
    if found is None or found.username is None:
        return Preferences()  # a role or an outside address: e-mail only
    return preferences_of(session, found.username)


def _key(notification: Notification, channel: str) -> str:
    return f"{notification.idempotency_key}:{channel}"
