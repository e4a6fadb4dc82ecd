"""What poflow mailed, read as a person reads it: the links of a mail (the SMTP server that keeps
the mails is the ``mail`` fixture of tests/conftest.py)."""

from __future__ import annotations

import re
from email.message import EmailMessage
from urllib.parse import urlsplit

from devstack.simulators.smtp import MailInbox, text_of

__all__ = ["MailInbox", "full_links_in", "links_in", "text_of"]


def links_in(message: EmailMessage) -> dict[str, str]:
    text = text_of(message)
    found = dict(re.findall(r"^(Approve|Reject): *(\S+)", text, re.MULTILINE))
    assert set(found) == {"Approve", "Reject"}, text
    return {action: urlsplit(url).path for action, url in found.items()}


def full_links_in(message: EmailMessage) -> dict[str, str]:
    """The links as mailed, with scheme and host."""
    text = text_of(message)
    return dict(re.findall(r"^(Approve|Reject): *(\S+)", text, re.MULTILINE))
