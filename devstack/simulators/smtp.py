"""A mail server on loopback (aiosmtpd) that keeps every message poflow sends: the SMTP side of
the demo and of the tests."""

from __future__ import annotations

import asyncio
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession


class MailInbox:
    """An aiosmtpd handler keeping every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        self.messages.append(message_from_bytes(raw, policy=policy.default))
        return "250 Message accepted for delivery"

    def kinds(self) -> list[str]:
        return [str(message["X-Poflow-Kind"]) for message in self.messages]

    async def wait_for(
        self, kind: str, po_number: str, containing: str = "", seconds: float = 30
    ) -> EmailMessage:
        """The first ``kind`` message about ``po_number`` whose text holds ``containing``."""
        for _ in range(int(seconds * 5)):
            for message in self.messages:
                if (
                    message["X-Poflow-Kind"] == kind
                    and po_number in str(message["Subject"])
                    and containing in text_of(message)
                ):
                    return message
            await asyncio.sleep(0.2)
        subjects = [str(m["Subject"]) for m in self.messages]
        raise AssertionError(f"no {kind} mail about {po_number}; got {subjects}")


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    if body is None:
        raise ValueError(f"{message['Subject']}: no text part")
    return str(body.get_content())
