"""The daily digest: everyone's held messages e-mailed in one message per person."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from temporalio import activity

from domain.temporal_names import Activity


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
