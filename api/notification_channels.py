"""The notification router over each person's chosen channels, built from the settings: used
by the worker's activities and by the few API routes that tell people outside any workflow
(an SLA breach's escalation, docs/sla.md)."""

from __future__ import annotations

from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from activities.notification_router import NotificationRouter
from adapters.chat_webhooks import configured_chats
from adapters.smtp_mail import SmtpMailer
from api.signed_links import make_decision_link
from settings import Settings


def build_notifications(sessions: sessionmaker[Session], settings: Settings) -> NotificationRouter:
    """Each person's chosen channels: e-mail (over SMTP when a relay is set, else recorded
    only), Slack and Teams when their webhooks are set."""
    smtp = settings.smtp
    mail = SmtpMailer(smtp, partial(make_decision_link, settings)) if smtp.host else None
    chats = configured_chats(settings.chats)
    return NotificationRouter(sessions, mail, chats, app_url=settings.app_url)
