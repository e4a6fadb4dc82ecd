"""Notifications as e-mail over SMTP (aiosmtplib, on ``adapters.smtp_connections``), rendered
from Jinja2 HTML and text templates.

Approval requests, reminders and escalations carry signed approve and reject links that open a
confirmation page (``api.web.link_pages``). The mailer reads and records nothing: its caller
(``activities.notification_router``) looks up the addressees and records in the outbox what was
sent (without the links, which are credentials).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import formataddr, formatdate
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, Undefined, select_autoescape

from adapters.smtp_connections import SmtpConnections
from domain.catalog import Decision
from domain.money import Money
from domain.notifications import DECISION_KINDS, Notification, PoBrief, Recipient, po_url
from settings.outside_systems import SmtpSettings

log = logging.getLogger("poflow.mail")

EMAIL_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "emails"
SEND_TIMEOUT_SECONDS = 20.0

# (po_number, approver, action, tier, link_id) -> the signed URL; api.signed_links makes them.
DecisionLinkMaker = Callable[[str, str, Decision, str, str], str]


def email_templates(undefined: type[Undefined] = Undefined) -> Environment:
    """The e-mail templates (``templates/emails``), with the ``money`` filter they use."""
    templates = Environment(
        loader=FileSystemLoader(EMAIL_TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=undefined,
    )
    templates.filters["money"] = lambda minor, currency: str(Money(minor, currency))
    return templates


class SmtpMailer:
    """A ``MailTransport`` that sends a notification as a multipart e-mail to each addressee; a
    failed send raises, so the activity's retry policy tries again (a PO never waits on mail)."""

    def __init__(
        self,
        smtp: SmtpSettings,
        decision_link: DecisionLinkMaker,
        templates: Environment | None = None,
    ) -> None:
        if not smtp.host:
            raise ValueError("SmtpMailer needs a mail relay (POFLOW_SMTP_HOST)")
        self._smtp = smtp
        self._decision_link = decision_link
        self._connections = SmtpConnections(smtp.host, smtp.port, SEND_TIMEOUT_SECONDS)
        self._templates = templates or email_templates()

    def transmit(
        self, notification: Notification, recipients: list[Recipient], po: PoBrief | None
    ) -> None:
        """Send to ``recipients`` (called from a synchronous activity thread; the SMTP
        conversation runs on the connections' own event loop)."""
        if not recipients:
            log.warning("%s: no such recipient %r", notification.kind, notification.recipient)
        messages = [self.compose(notification, person, po) for person in recipients]
        if messages:
            self._connections.send(messages)

    def compose(self, notification: Notification, person: Recipient, po: PoBrief | None) -> Message:
        """The multipart (text and HTML) message for one addressee, built on the ``email``
        package's compat32 classes (several times quicker than ``EmailMessage``)."""
        context = {
            "notification": notification,
            "subject": notification.subject,
            "facts": notification.facts,
            "recipient": person,
            "po": po,
            "po_url": self._po_url(notification, person),
            "links": self._decision_links(notification, person),
            "app_url": self._smtp.app_url.rstrip("/"),
        }
        kind = notification.kind if notification.kind.isidentifier() else "generic"
        message = MIMEMultipart("alternative")
        message["Subject"] = _header(notification.subject)
        message["From"] = _header(self._smtp.sender)
        message["To"] = _address(person)
        message["Date"] = formatdate(localtime=False)
        digest = hashlib.sha256(f"{notification.idempotency_key}:{person.email}".encode())
        message["Message-ID"] = f"<{digest.hexdigest()[:40]}@poflow>"
        message["X-Poflow-Kind"] = notification.kind
        message.attach(_text_part(self._render(kind, "txt", context), "plain"))
        message.attach(_text_part(self._render(kind, "html", context), "html"))
        return message

    def _render(self, kind: str, extension: str, context: dict[str, Any]) -> str:
        names = [f"{kind}.{extension}", f"generic.{extension}"]
        return self._templates.select_template(names).render(context)

    def _po_url(self, notification: Notification, person: Recipient) -> str | None:
        if notification.po_number is None or person.username is None:
            return None  # vendors and outside addresses get no link into poflow
        return po_url(self._smtp.app_url, notification.po_number)

    def _decision_links(
        self, notification: Notification, person: Recipient
    ) -> dict[str, object] | None:
        tier = str(notification.facts.get("tier") or "")
        if (
            notification.kind not in DECISION_KINDS
            or not tier
            or notification.po_number is None
            or person.username is None
        ):
            return None
        # One link id per message and person, shared by its approve and reject links (using
        # one spends both); a resent message carries the same links.
        seed = f"decision-link:{notification.idempotency_key}:{person.username}"
        link_id = hashlib.sha256(seed.encode()).hexdigest()[:40]
        po_number, approver = notification.po_number, person.username
        return {
            "approve": self._decision_link(po_number, approver, Decision.APPROVE, tier, link_id),
            "reject": self._decision_link(po_number, approver, Decision.REJECT, tier, link_id),
            "max_age_hours": self._smtp.link_max_age_hours,
        }


def _address(person: Recipient) -> str:
    if person.display_name == person.email or "@" not in person.email:
        return person.email
    return formataddr((person.display_name, person.email))  # encodes a non-ASCII name


def _header(text: str) -> Any:
    """A header value: ASCII text as it is, other text as a ``Header`` (RFC 2047 encoded words,
    folded). ``Any``: the ``email`` stubs type header values as ``str`` only."""
    return text if text.isascii() else Header(text, "utf-8")


def _text_part(text: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(text, _UTF8)
    return part


def _quoted_printable_utf8() -> Charset:
    charset = Charset("utf-8")
    charset.body_encoding = QP  # readable in the raw message, safe for 7-bit relays
    return charset


_UTF8 = _quoted_printable_utf8()
