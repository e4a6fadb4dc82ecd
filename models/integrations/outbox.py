"""poflow's own outbox: notifications and ITSM ticket updates recorded in Postgres
(``outbound_messages``), exactly once per idempotency key. With no ITSM or mail server configured
it is the channel itself; otherwise the notification router records here what was delivered. It
serves the notification and ITSM ports (``adapters.ports``) from poflow's own tables."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from domain.notifications import Notification
from domain.tickets import TicketUpdate
from models.db import unit_of_work
from models.integrations.outbound import OutboundMessage

# The outbox channel e-mailed notifications are recorded under.
EMAIL_CHANNEL = "notification"


class PostgresOutbox:
    """Notifications and ITSM ticket updates, recorded as delivered."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def send(self, notification: Notification) -> None:
        self.record(
            EMAIL_CHANNEL,
            notification.recipient,
            notification.subject,
            {"kind": notification.kind, **notification.facts},
            notification.po_number,
            notification.idempotency_key,
        )

    def update_ticket(self, update: TicketUpdate) -> None:
        self.record(
            "itsm",
            update.ticket,
            f"{update.ticket} → {update.state}",
            asdict(update),
            update.po_number,
            update.idempotency_key,
        )

    def change_ticket_approved(self, change_ticket: str) -> bool:
        """With no ITSM to ask, no change ticket counts as approved."""
        return False

    def record(
        self,
        channel: str,
        recipient: str,
        subject: str,
        body: dict[str, object],
        po_number: str | None,
        key: str,
    ) -> None:
        """Record one delivery on ``channel``; a key recorded before records nothing."""
        delivery = Delivery(channel, recipient, subject, body, po_number, key)
        with unit_of_work(self._sessions) as session:
            record_deliveries(session, [delivery])


@dataclass(frozen=True)
class Delivery:
    """One message delivered on one channel, as the outbox keeps it."""

    channel: str
    recipient: str
    subject: str
    body: dict[str, object]
    po_number: str | None
    key: str


def record_deliveries(session: Session, deliveries: list[Delivery]) -> None:
    """Add deliveries to the outbox in ``session``, in one statement; a key recorded before
    records nothing."""
    if not deliveries:
        return
    rows = [
        {
            "channel": d.channel,
            "recipient": d.recipient,
            "subject": d.subject[:300],
            "body": d.body,
            "po_number": d.po_number,
            "idempotency_key": d.key,
        }
        for d in deliveries
    ]
    session.execute(
        insert(OutboundMessage)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    )


def recorded_keys(session: Session, keys: list[str]) -> set[str]:
    """Those of ``keys`` the outbox holds: deliveries an earlier attempt made."""
    if not keys:
        return set()
    found = session.scalars(
        select(OutboundMessage.idempotency_key).where(OutboundMessage.idempotency_key.in_(keys))
    )
    return set(found)
