"""A mail as the simulators' page shows it: its text, with each web address a link to follow
(a signed approval link included)."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

from devstack.simulators.smtp import text_of

_ADDRESS = re.compile(r"https?://[^\s<>\"')\]]+")


def mail_entry(message: EmailMessage) -> dict[str, Any]:
    """Kind, recipient, subject, the text, and the text cut into ``parts``: plain runs and
    links (``{"text", "href"}``, ``href`` None for plain text)."""
    try:
        body = text_of(message)
    except ValueError:
        body = ""
    return {
        "kind": str(message["X-Poflow-Kind"]),
        "to": str(message["To"]),
        "subject": str(message["Subject"]),
        "body": body,
        "parts": text_and_links(body),
    }


def text_and_links(text: str) -> list[dict[str, str | None]]:
    parts: list[dict[str, str | None]] = []
    end = 0
    for found in _ADDRESS.finditer(text):
        address = found.group().rstrip(".,;:")
        if found.start() > end:
            parts.append({"text": text[end : found.start()], "href": None})
        parts.append({"text": address, "href": address})
        end = found.start() + len(address)
    if end < len(text):
        parts.append({"text": text[end:], "href": None})
    return parts
