"""Notifications posted to a team channel through incoming webhooks: Slack (Block Kit) and
Microsoft Teams (an Adaptive Card, as Teams Workflows webhooks take it).

A channel is shared, so a chat message carries no decision links (they are one person's
credentials): it says whom the message is for and links to the PO's page, where the person
signs in to act. Any answer but 2xx raises, so the activity's retry policy tries again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from adapters import http
from domain.decision_card import DecisionCard
from domain.money import Money
from domain.notifications import DECISION_KINDS, Notification, PoBrief, po_url
from settings.outside_systems import ChatSettings

SLACK_HEADER_LIMIT = 150  # characters of a Block Kit header's plain text
SLACK_FIELD_LIMIT = 10  # fields of a section block
SLACK_FIELD_TEXT_LIMIT = 2000  # characters of one field
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


class ChatWebhook(Protocol):
    @property
    def channel(self) -> str:
        """The channel's name in the outbox and in idempotency keys: ``slack`` or ``teams``."""
        ...

    def post(self, notification: Notification, po: PoBrief | None, app_url: str) -> None:
        """Post the notification; raise unless the chat service accepted it."""
        ...


@dataclass(frozen=True)
class SlackWebhook:
    """A Slack incoming webhook (``https://hooks.slack.com/services/...``); Slack answers 200
    ``ok``, or 4xx/5xx with an error word such as ``invalid_payload``."""

    url: str
    timeout_seconds: float = 10.0
    channel: ClassVar[str] = "slack"

    def post(self, notification: Notification, po: PoBrief | None, app_url: str) -> None:
        _post(self.url, slack_message(notification, po, app_url), self.timeout_seconds)


@dataclass(frozen=True)
class TeamsWebhook:
    """A Teams Workflows webhook ("post to a channel when a webhook request is received"); it
    answers 202 Accepted (older connector webhooks answered 200)."""

    url: str
    timeout_seconds: float = 10.0
    channel: ClassVar[str] = "teams"

    def post(self, notification: Notification, po: PoBrief | None, app_url: str) -> None:
        _post(self.url, teams_message(notification, po, app_url), self.timeout_seconds)


def configured_chats(settings: ChatSettings) -> list[ChatWebhook]:
    """The chat channels ``slack_webhook_url`` and ``teams_webhook_url`` name, in that order."""
    chats: list[ChatWebhook] = []
    if settings.slack_webhook_url:
        chats.append(SlackWebhook(settings.slack_webhook_url))
    if settings.teams_webhook_url:
        chats.append(TeamsWebhook(settings.teams_webhook_url))
    return chats


def slack_message(notification: Notification, po: PoBrief | None, app_url: str) -> dict[str, Any]:
    """Block Kit: a header, who it is for, the facts as fields, and a button to the PO page;
    ``text`` is what notifications and screen readers show."""
    facts = shown_facts(notification, po)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(notification.subject[:SLACK_HEADER_LIMIT])},
        {"type": "context", "elements": [_mrkdwn(f"For *{_escape(notification.recipient)}*")]},
    ]
    if facts:
        fields = [
            _mrkdwn(f"*{_escape(k)}*\n{_escape(v)}"[:SLACK_FIELD_TEXT_LIMIT]) for k, v in facts
        ]
        blocks.append({"type": "section", "fields": fields[:SLACK_FIELD_LIMIT]})
    link = _po_link(notification, app_url)
    if link is not None:
        title, url = link
        button = {"type": "button", "text": _plain(title), "url": url, "action_id": "open_po"}
        if notification.kind in DECISION_KINDS:
            button["style"] = "primary"
        blocks.append({"type": "actions", "elements": [button]})
    return {"text": fallback_text(notification, po), "blocks": blocks}


def teams_message(notification: Notification, po: PoBrief | None, app_url: str) -> dict[str, Any]:
    """A message with one Adaptive Card 1.4: the subject, who it is for, a fact set, and an
    Action.OpenUrl to the PO page."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": notification.subject,
            "size": "Medium",
            "weight": "Bolder",
            "wrap": True,
        },
        {"type": "TextBlock", "text": f"For {notification.recipient}", "isSubtle": True},
    ]
    facts = shown_facts(notification, po)
    if facts:
        body.append({"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in facts]})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    link = _po_link(notification, app_url)
    if link is not None:
        card["actions"] = [{"type": "Action.OpenUrl", "title": link[0], "url": link[1]}]
    attachment = {"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}
    return {"type": "message", "attachments": [attachment]}


def shown_facts(notification: Notification, po: PoBrief | None) -> list[tuple[str, str]]:
    """Label and value of what a chat message shows: the decision card of a message that asks
    to decide; else the PO, then the notification's own facts that read well in one line
    (amounts in minor units only with their currency)."""
    if po is not None and po.card is not None:
        return card_facts(po.card)
    shown: list[tuple[str, str]] = []
    if po is not None:
        amount = str(Money(po.amount_minor, po.currency))
        shown += [("PO number", po.po_number), ("Title", po.title), ("Amount", amount)]
        shown.append(("Vendor", po.vendor))
    elif notification.po_number:
        shown.append(("PO number", notification.po_number))
    facts = notification.facts
    currency = facts.get("currency") or facts.get("base_currency")
    for name, value in facts.items():
        if name in {"currency", "base_currency"} or value in (None, "", [], {}):
            continue
        if name.endswith("_minor"):
            if not isinstance(value, int) or not isinstance(currency, str):
                continue
            name, value = name.removesuffix("_minor"), Money(value, currency)
        elif isinstance(value, list):
            value = "; ".join(str(item) for item in value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        shown.append((name.replace("_", " ").capitalize(), str(value)))
    return shown


def card_facts(card: DecisionCard) -> list[tuple[str, str]]:
    """The decision card as a chat message's facts (the same sentences as page and e-mail)."""
    return [
        ("PO number", f"{card.po_number}: {card.title}"),
        ("What", f"{card.what}, from {card.vendor}"),
        ("Amount", card.amount_text()),
        ("Budget", card.budget_text()),
        ("Why", card.justification),
        ("Risk", card.risk_text()),
        ("Approval", card.tier_text()),
        ("Requested by", card.requester),
    ]


def fallback_text(notification: Notification, po: PoBrief | None) -> str:
    if po is None:
        return f"{notification.subject} (for {notification.recipient})"
    amount = Money(po.amount_minor, po.currency)
    return (
        f"{notification.subject}: {po.title}, {amount}, {po.vendor} (for {notification.recipient})"
    )


def _po_link(notification: Notification, app_url: str) -> tuple[str, str] | None:
    if notification.po_number is None:
        return None
    verb = "Review" if notification.kind in DECISION_KINDS else "Open"
    return f"{verb} {notification.po_number}", po_url(app_url, notification.po_number)


def _post(url: str, payload: dict[str, Any], timeout_seconds: float) -> None:
    http.kept_open(timeout_seconds).post(url, json=payload).raise_for_status()


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": False}


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def _escape(text: str) -> str:
    """Slack mrkdwn reads ``<``, ``>`` and ``&`` as markup; these three are escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
