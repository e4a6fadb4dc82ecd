"""An SMTP server on loopback (aiosmtpd) that keeps what poflow mails, for tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from devstack.simulators.smtp import MailInbox, text_of
from devstack.tcp_ports import free_port

__all__ = ["MailInbox", "full_links_in", "links_in", "mail", "text_of"]


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
