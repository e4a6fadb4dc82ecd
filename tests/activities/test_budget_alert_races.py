"""Eight requisitions reserved at once on one budget line, each on its own connection: the 80 %
and 100 % alerts reach each recipient once per channel, by real SMTP (aiosmtpd) and the Slack
and Teams simulators, also when the postings are retried."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial
from threading import Barrier

import pytest
from sqlalchemy.orm import Session, sessionmaker

from activities.budget import BudgetActivities
from activities.notification_router import NotificationRouter
from adapters.chat_webhooks import ChatWebhook, SlackWebhook, TeamsWebhook
from adapters.smtp_mail import SmtpMailer
from api.signed_links import make_decision_link
from devstack.simulators.chat import ChatChannel
from domain.catalog import Role
from domain.purchase_order import BudgetMovement
from models.db import build_engine, session_factory, unit_of_work
from models.people.accounts import upsert_user
from models.people.notification_preferences import Preferences, set_preferences
from settings import Settings
from tests.models.budget_org import demo_cost_center
from tests.web.smtp_catcher import MailInbox

RACERS = 8
ASK = 13_500  # 135.00 EUR of a 1,000.00 EUR line: the 6th takes it to 81 %, the 8th to 108 %


@pytest.fixture
def racing_sessions(demo_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = build_engine(demo_database_url, pool_size=2 * RACERS)
    yield session_factory(engine)
    engine.dispose()


def _budget(sessions: sessionmaker[Session], mail_port: int, chat_url: str) -> BudgetActivities:
    settings = Settings(_env_file=None, smtp_host="127.0.0.1", smtp_port=mail_port)
    mailer = SmtpMailer(settings.smtp, partial(make_decision_link, settings))
    chats: list[ChatWebhook] = [
        SlackWebhook(f"{chat_url}/slack/T0/B0/x"),
        TeamsWebhook(f"{chat_url}/teams/flow/1"),
    ]
    router = NotificationRouter(sessions, mailer, chats, app_url=settings.app_url)
    return BudgetActivities(sessions, 1, router, (80, 100))


def _line_owned_by_a_chat_user(sessions: sessionmaker[Session]) -> tuple[str, str]:
    """A 1,000.00 EUR line on GL 6100 whose owner takes e-mail and chat; (code, owner)."""
    owner = f"owner-{uuid.uuid4().hex[:6]}"
    with unit_of_work(sessions) as session:
        upsert_user(session, owner, roles=[Role.APPROVER], display_name="Olga Owner")
        set_preferences(session, owner, Preferences(email=True, chat=True))
        return demo_cost_center(session, "6100", 100_000, owner=owner), owner


def _movement(code: str, number: int) -> BudgetMovement:
    return BudgetMovement(
        po_number=f"RACE-{code}-{number}",
        revision=1,
        cost_center=code,
        gl_account="6100",
        service_start=date.today(),
        amount_base_minor=ASK,
        base_currency="EUR",
        idempotency_key=f"RACE-{code}-{number}:1:reserve",
        allow_over_budget=True,
    )


def _mails(inbox: MailInbox, code: str) -> Counter[tuple[str, str]]:
    return Counter(
        (str(m["Subject"]).rsplit(" at ", 1)[1], str(m["To"]))
        for m in list(inbox.messages)
        if f"Budget {code}/" in str(m["Subject"])
    )


def _chat_posts(channel: ChatChannel, code: str) -> Counter[tuple[str, str]]:
    found: Counter[tuple[str, str]] = Counter()
    for post in list(channel.received):
        text = str(post.payload)
        if f"Budget {code}/" in text:
            found[(post.service, "100 %" if "at 100 %" in text else "80 %")] += 1
    return found


def test_concurrent_reservations_deliver_each_alert_once_per_channel(
    racing_sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
    chat: tuple[ChatChannel, str],
) -> None:
    code, owner = _line_owned_by_a_chat_user(racing_sessions)
    budget = _budget(racing_sessions, mail[1], chat[1])
    start_together = Barrier(RACERS)

    def reserve(number: int) -> None:
        start_together.wait()
        budget.reserve_budget(_movement(code, number))
        budget.reserve_budget(_movement(code, number))  # the same step, retried

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        list(pool.map(reserve, range(RACERS)))

    mails = _mails(mail[0], code)
    owner_mails = {key: n for key, n in mails.items() if owner in key[1]}
    assert sorted(owner_mails.values()) == [1, 1], mails
    assert {threshold for threshold, _ in owner_mails} == {"80 %", "100 %"}
    finance_mails = {key: n for key, n in mails.items() if owner not in key[1]}
    assert finance_mails and set(finance_mails.values()) == {1}, mails
    assert _chat_posts(chat[0], code) == {
        ("slack", "80 %"): 1,
        ("slack", "100 %"): 1,
        ("teams", "80 %"): 1,
        ("teams", "100 %"): 1,
    }
