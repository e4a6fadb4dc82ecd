"""Notifications routed by each person's preferences, with e-mail going to a real SMTP server
(aiosmtpd) and chat to the Slack and Teams simulators, both on loopback: e-mail only unless a
person chose otherwise; chat posts to every configured channel; a digest holds what asks no
decision and goes out once; a retry after one channel failed resends only that channel, also
when several messages are sent together."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.notification_router import NotDelivered, NotificationRouter
from activities.outbound import OutboundActivities
from adapters.chat_webhooks import ChatWebhook, SlackWebhook, TeamsWebhook
from adapters.smtp_mail import SmtpMailer
from api.signed_links import make_decision_link
from devstack.simulators.chat import ChatChannel
from domain.catalog import PoStatus, Role, ServiceType
from domain.notifications import Notification
from domain.side_effects import NOT_DELIVERED
from models import DigestItem, OutboundMessage, PurchaseOrder
from models.db import unit_of_work
from models.integrations.builtin_erp import PostgresErp
from models.integrations.outbox import PostgresOutbox
from models.people.accounts import upsert_user
from models.people.notification_preferences import Preferences, preferences_of, set_preferences
from settings import Settings
from tests.web.smtp_catcher import MailInbox, text_of

APP_URL = "https://poflow.example.org"


@pytest.fixture
def router(
    sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
    chat: tuple[ChatChannel, str],
) -> NotificationRouter:
    settings = Settings(
        _env_file=None, smtp_host="127.0.0.1", smtp_port=mail[1], public_url=APP_URL
    )
    email = SmtpMailer(settings.smtp, partial(make_decision_link, settings))
    url = chat[1]
    chats: list[ChatWebhook] = [
        SlackWebhook(f"{url}/slack/T0/B0/x"),
        TeamsWebhook(f"{url}/teams/flow/1"),
    ]
    return NotificationRouter(sessions, email, chats, app_url=settings.app_url)


def _person(
    sessions: sessionmaker[Session],
    preferences: Preferences | None = None,
    roles: tuple[Role, ...] = (Role.APPROVER,),
) -> str:
    username = f"pat-{uuid.uuid4().hex[:8]}"
    with unit_of_work(sessions) as session:
        upsert_user(session, username, roles=roles, display_name="Pat Doe")
        if preferences is not None:
            set_preferences(session, username, preferences)
    return username


def _po(sessions: sessionmaker[Session]) -> str:
    number = f"PO-N{uuid.uuid4().hex[:6]}"
    with unit_of_work(sessions) as session:
        session.add(
            PurchaseOrder(
                po_number=number,
                workflow_id=f"po-{number}",
                status=PoStatus.PENDING_APPROVAL,
                title="Object storage for build caches",
                requester="alex",
                cost_center="IT-OPS",
                vendor="Hetzner",
                service_type=ServiceType.CLOUD_INFRASTRUCTURE,
                amount_minor=1_234_500,
                currency="EUR",
                amount_base_minor=1_234_500,
                base_currency="EUR",
            )
        )
    return number


def _notice(person: str, kind: str, po_number: str | None = None) -> Notification:
    facts: dict[str, object] = {"tier": "cost-center owner"} if kind == "approval_requested" else {}
    subject = f"{po_number or 'PO-0'} {kind.replace('_', ' ')}"
    key = f"test-{uuid.uuid4().hex[:8]}:{kind}:{person}"
    return Notification(person, kind, subject, po_number, key, facts)


def _mails_to(inbox: MailInbox, address: str) -> list[str]:
    return [str(m["X-Poflow-Kind"]) for m in inbox.messages if address in str(m["To"])]


def test_without_a_choice_a_person_gets_e_mail_only(
    router: NotificationRouter,
    sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
    chat: tuple[ChatChannel, str],
) -> None:
    person = _person(sessions)
    with sessions() as session:
        assert preferences_of(session, person) == Preferences(email=True, chat=False, digest=False)
    router.send(_notice(person, "approval_requested", _po(sessions)))
    router.send(_notice(person, "issued"))
    assert _mails_to(mail[0], f"{person}@example.org") == ["approval_requested", "issued"]
    assert chat[0].received == []


def test_roles_and_outside_addresses_get_e_mail_whatever_their_holders_chose(
    router: NotificationRouter,
    sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
    chat: tuple[ChatChannel, str],
) -> None:
    holder = _person(sessions, Preferences(email=True, chat=True), roles=(Role.PROCUREMENT,))
    vendor = f"orders@{uuid.uuid4().hex[:8]}.example"
    router.send(_notice("procurement", "renewal", "PO-7"))
    router.send(_notice(vendor, "purchase_order", "PO-7"))
    assert _mails_to(mail[0], f"{holder}@example.org") == ["renewal"]
    assert _mails_to(mail[0], vendor) == ["purchase_order"]
    assert chat[0].received == []


def test_with_chat_on_a_message_is_posted_to_slack_and_teams_and_e_mailed(
    router: NotificationRouter,
    sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
    chat: tuple[ChatChannel, str],
) -> None:
    person = _person(sessions, Preferences(email=True, chat=True))
    number = _po(sessions)
    notice = _notice(person, "approval_requested", number)
    router.send(notice)
    [mailed] = [m for m in mail[0].messages if f"{person}@example.org" in str(m["To"])]
    assert "Approve: " in text_of(mailed), "the e-mail carries the person's decision links"
    [slack], [teams] = chat[0].posts_to("slack"), chat[0].posts_to("teams")
    assert person in str(slack["blocks"]) and "Object storage for build caches" in slack["text"]
    card = teams["attachments"][0]["content"]
    assert card["actions"][0]["url"] == f"{APP_URL}/po/{number}"
    with sessions() as session:
        keys = session.scalars(
            select(OutboundMessage.idempotency_key).where(
                OutboundMessage.idempotency_key.like(f"{notice.idempotency_key}:%")
            )
        ).all()
    assert sorted(keys) == [f"{notice.idempotency_key}:{c}" for c in ("email", "slack", "teams")]


def test_a_decision_reaches_a_person_who_turned_every_channel_off(
    router: NotificationRouter,
    sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
    chat: tuple[ChatChannel, str],
) -> None:
    person = _person(sessions, Preferences(email=False, chat=False))
    router.send(_notice(person, "issued", "PO-8"))
    router.send(_notice(person, "reminder", "PO-8"))
    assert _mails_to(mail[0], f"{person}@example.org") == ["reminder"]
    chatty = _person(sessions, Preferences(email=False, chat=True))
    router.send(_notice(chatty, "issued", "PO-8"))
    assert _mails_to(mail[0], f"{chatty}@example.org") == []
    assert len(chat[0].posts_to("slack")) == len(chat[0].posts_to("teams")) == 1


def test_a_digest_holds_what_asks_no_decision_and_sends_it_once(
    router: NotificationRouter,
    sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
) -> None:
    person = _person(sessions, Preferences(email=True, digest=True))
    address = f"{person}@example.org"
    number = _po(sessions)
    issued = _notice(person, "issued", number)
    router.send(_notice(person, "approval_requested", number))
    router.send(issued)
    router.send(issued)  # a retried activity holds nothing twice
    router.send(_notice(person, "rejected", "PO-9"))
    assert _mails_to(mail[0], address) == ["approval_requested"]
    with sessions() as session:
        held = session.scalars(select(DigestItem.kind).where(DigestItem.username == person))
        assert sorted(held) == ["issued", "rejected"]

    assert router.send_digests(datetime.now(UTC)) == 1
    assert router.send_digests(datetime.now(UTC)) == 0
    assert _mails_to(mail[0], address) == ["approval_requested", "digest"]
    [digest] = [
        m for m in mail[0].messages if m["X-Poflow-Kind"] == "digest" and address in str(m["To"])
    ]
    text = text_of(digest)
    assert f"{number} issued: {APP_URL}/po/{number}" in text and "PO-9 rejected" in text


def test_a_retry_after_chat_failed_resends_only_chat(
    router: NotificationRouter,
    sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
    chat: tuple[ChatChannel, str],
) -> None:
    channel = chat[0]
    person = _person(sessions, Preferences(email=True, chat=True))
    notice = _notice(person, "escalation", _po(sessions))
    channel.fail_next = 1
    with pytest.raises(NotDelivered) as failed:
        router.send(notice)
    assert len(failed.value.failures) == 1, "the other chat channel was still posted to"
    assert _mails_to(mail[0], f"{person}@example.org") == ["escalation"]
    assert len(channel.received) == 1

    router.send(notice)  # the activity's retry
    assert _mails_to(mail[0], f"{person}@example.org") == ["escalation"]
    assert len(channel.posts_to("slack")) == len(channel.posts_to("teams")) == 1
    router.send(notice)
    assert len(channel.received) == 2


def test_messages_sent_together_all_go_out_though_one_channel_fails(
    router: NotificationRouter,
    sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
    chat: tuple[ChatChannel, str],
) -> None:
    channel = chat[0]
    chatty, quiet = _person(sessions, Preferences(email=True, chat=True)), _person(sessions)
    number = _po(sessions)
    notices = [_notice(chatty, "approval_requested", number), _notice(quiet, "reminder", number)]
    activities = OutboundActivities(PostgresErp(sessions), PostgresOutbox(sessions), router)
    channel.fail_next = 1
    with pytest.raises(ApplicationError) as failed:
        ActivityEnvironment().run(activities.send_notifications, notices)
    # The failure names the message that did not all go out, for the PO to keep as undelivered.
    assert failed.value.type == NOT_DELIVERED
    assert failed.value.details == ([notices[0].idempotency_key],)
    assert _mails_to(mail[0], f"{quiet}@example.org") == ["reminder"], "the second still went out"

    ActivityEnvironment().run(activities.send_notifications, notices)  # the activity's retry
    assert _mails_to(mail[0], f"{chatty}@example.org") == ["approval_requested"]
    assert _mails_to(mail[0], f"{quiet}@example.org") == ["reminder"]
    assert len(channel.posts_to("slack")) == len(channel.posts_to("teams")) == 1
