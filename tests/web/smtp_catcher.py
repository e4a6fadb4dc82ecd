"""An SMTP server on loopback (aiosmtpd) that keeps what poflow mails, for tests."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession

from devstack.ports import free_port


class MailInbox:
    """An aiosmtpd handler keeping every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        self.messages.append(message_from_bytes(raw, policy=policy.default))
        return "250 Message accepted for delivery"

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


@pytest.fixture(scope="module")
def mail() -> Iterator[tuple[MailInbox, int]]:
    """A running SMTP server and the port it listens on."""
    inbox = MailInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def links_in(message: EmailMessage) -> dict[str, str]:
    text = text_of(message)
    found = dict(re.findall(r"^(Approve|Reject): *(\S+)", text, re.MULTILINE))
    assert set(found) == {"Approve", "Reject"}, text
    return {action: urlsplit(url).path for action, url in found.items()}


def full_links_in(message: EmailMessage) -> dict[str, str]:
    """The links as mailed, with scheme and host."""
    text = text_of(message)
    return dict(re.findall(r"^(Approve|Reject): *(\S+)", text, re.MULTILINE))


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())
