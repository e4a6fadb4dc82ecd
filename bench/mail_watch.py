"""Approvers who act on their mail: the benchmark's driver waits for the mail that asks a person
to decide (or tells the requester the PO is issued) instead of polling the API, so the load on
poflow is what real people put on it."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession

from devstack.simulators.smtp import MailInbox

Key = tuple[str, str, str]  # kind, PO number, username


class WatchedInbox(MailInbox):
    """A mail catcher that resolves a waiter for each (kind, PO, person) it receives."""

    def __init__(self) -> None:
        super().__init__()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: dict[Key, asyncio.Future[None]] = {}
        self._arrived: set[Key] = set()

    def watch_from(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        loop = self._loop
        if loop is not None and not loop.is_closed():  # mail may still come after the run
            loop.call_soon_threadsafe(self._arrive, _key(self.messages[-1]))
        return answer

    async def arrival(self, kind: str, po_number: str, person: str, seconds: float = 300) -> None:
        """Return once the ``kind`` mail about ``po_number`` has reached ``person``."""
        key = (kind, po_number, person)
        if key in self._arrived:
            return
        future = self._waiting.setdefault(key, asyncio.get_running_loop().create_future())
        await asyncio.wait_for(future, seconds)

    def _arrive(self, key: Key) -> None:
        self._arrived.add(key)
        future = self._waiting.pop(key, None)
        if future is not None and not future.done():
            future.set_result(None)


def _key(message: EmailMessage) -> Key:
    address = str(message["To"]).rsplit("<", 1)[-1].rstrip(">")
    po_number = str(message["Subject"]).split(maxsplit=1)[0].rstrip(":")
    return str(message["X-Poflow-Kind"]), po_number, address.split("@", 1)[0]
