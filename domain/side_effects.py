"""What a PO keeps of its side effects that did not happen, and of a step that failed for good."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.catalog import PoStatus

MESSAGE = "message"
TICKET_UPDATE = "ticket_update"
# The error type of messages that did not all go out; its first detail lists their keys.
NOT_DELIVERED = "NotDelivered"


@dataclass(frozen=True)
class Undelivered:
    """A message or ticket update that could not go out after its retries; the PO went on.

    ``key`` is its idempotency key (a message's channels are recorded in the outbox under it +
    ``:`` + the channel), ``recipient`` the person, role or address, or the ticket."""

    what: str  # MESSAGE or TICKET_UPDATE
    key: str
    recipient: str
    subject: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class Attention:
    """A step that failed for good: the PO waits in ``needs_attention`` until an operator
    retries the step or cancels the PO; ``status_before`` is where it stood."""

    step: str  # the activity that failed
    reason: str
    since: datetime
    status_before: PoStatus
    retries: int = 0  # how many times an operator retried it so far


@dataclass(frozen=True)
class RetryRequest:
    """An operator asks a PO that needs attention to run its failed step again."""

    actor: str
