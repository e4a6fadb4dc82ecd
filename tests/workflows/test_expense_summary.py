"""The mailed expense summary as Temporal runs it: a person's schedule fires and their summary
arrives (HTML with its charts inline, a text part, the figures as CSV) holding only what they
may read when it is sent: a cost-center owner's never shows another center's figures. A mail
relay that refuses every try leaves the summary recorded undelivered, and the run succeeds.

The workflow runs under the time-skipping test server (the relay's retries are minutes apart);
the schedule under the dev server, as the time-skipping server has no Schedules."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from email.message import EmailMessage

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client, ScheduleActionExecutionStartWorkflow, ScheduleHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.expense_summary import ExpenseSummaryActivities
from adapters.expense_summary_mail import ExpenseSummaryMailer
from devstack.simulators.smtp import MailInbox
from devstack.tcp_ports import free_port
from domain.catalog import Role
from domain.expense_summary import ExpenseSummaryRequest, ExpenseSummaryResult, Frequency
from models import CostCenter
from models.costs.expense_subscriptions import ExpenseSummaryDelivery, subscribe
from models.db import unit_of_work
from models.people.accounts import find_user, upsert_user
from settings import Settings
from tests.builders.allocation import a_period
from tests.builders.dashboard import OwnedLine, load_owned_lines, owned_org
from tests.workflows.helpers import keep_history
from workflows.expense_summary import ExpenseSummaryWorkflow
from workflows.expense_summary_schedule import drop_summary_schedule, put_summary_schedule
from workflows.registry import WORKFLOW_RUNNER


@dataclass(frozen=True)
class Subscribed:
    owner: str
    owner_email: str
    owner_id: int
    mine: str  # the owner's center
    other: str  # a center of the same org the owner does not own
    month: str
    author_id: int  # owns the org's other centers


@pytest.fixture
def subscribed(demo_sessions: sessionmaker[Session]) -> Subscribed:
    """An owner of one center subscribed (to all they may read), and a month of cost: 130.00
    EUR on a center they do not own, 20.00 on theirs."""
    engine = demo_sessions.kw["bind"]
    assert isinstance(engine, Engine)
    with unit_of_work(demo_sessions) as session:
        owned = owned_org(session)
        other, mine = owned.org.centers[:2]
        subscribe(session, owned.owner, [], Frequency.MONTHLY, 1)
        ids, owner = owned.ids, owned.owner
        facts = (owner.username, owner.email, owner.id)
        author_id = owned.org.author.id
    month = a_period()
    load_owned_lines(
        engine,
        month,
        [
            OwnedLine(ids[other], "Amazon EC2", Decimal("130.00"), "i-web"),
            OwnedLine(ids[mine], "Amazon S3", Decimal("20.00"), "bucket-1", "Storage"),
        ],
    )
    return Subscribed(*facts, mine, other, f"{month:%Y-%m}", author_id)


def _mailer(port: int) -> ExpenseSummaryMailer:
    return ExpenseSummaryMailer(
        Settings(_env_file=None, smtp_host="127.0.0.1", smtp_port=port).smtp
    )


@contextlib.asynccontextmanager
async def summary_worker(
    client: Client, sessions: sessionmaker[Session], port: int
) -> AsyncIterator[str]:
    queue = f"summary-test-{uuid.uuid4().hex[:8]}"
    activities = ExpenseSummaryActivities(sessions, _mailer(port), "EUR", 1)
    with ThreadPoolExecutor(max_workers=2) as executor:
        async with Worker(
            client,
            task_queue=queue,
            workflows=[ExpenseSummaryWorkflow],
            activities=[
                activities.send_expense_summary,
                activities.record_expense_summary_undelivered,
            ],
            activity_executor=executor,
            workflow_runner=WORKFLOW_RUNNER,
        ):
            yield queue


def _parts(message: EmailMessage) -> dict[str, list[str | bytes]]:
    found: dict[str, list[str | bytes]] = {}
    for part in message.walk():
        if not part.is_multipart():
            content = part.get_payload(decode=True)
            assert isinstance(content, bytes)
            found.setdefault(part.get_content_type(), []).append(content)
    return found


def _sent_to(inbox: MailInbox, address: str) -> list[EmailMessage]:
    return [m for m in inbox.messages if address in str(m["To"])]


async def test_an_owners_summary_holds_only_their_centers_figures(
    time_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
    subscribed: Subscribed,
) -> None:
    inbox, port = mail
    async with summary_worker(time_env.client, demo_sessions, port) as queue:
        handle = await time_env.client.start_workflow(
            ExpenseSummaryWorkflow.run,
            ExpenseSummaryRequest(subscribed.owner, month=subscribed.month),
            id=f"expense-summary-test-{uuid.uuid4().hex[:8]}",
            task_queue=queue,
        )
        result = await handle.result()
        await keep_history(handle, "expense_summary")
    assert (result.status, result.month) == ("sent", subscribed.month)
    [message] = _sent_to(inbox, subscribed.owner_email)
    parts = _parts(message)
    [html] = parts["text/html"]
    [csv] = parts["text/csv"]
    assert len(parts["image/png"]) >= 3 and all(p[:4] == b"\x89PNG" for p in parts["image/png"])
    texts = [p.decode() for p in (html, csv, *parts["text/plain"]) if isinstance(p, bytes)]
    assert len(texts) == 3 and 'src="cid:trend.' in texts[0]
    for text in texts:
        assert subscribed.mine in text and "20.00" in text
        assert subscribed.other not in text and "130.00" not in text and "Amazon EC2" not in text


async def test_a_relay_refusing_every_try_leaves_the_summary_undelivered(
    time_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    subscribed: Subscribed,
) -> None:
    async with summary_worker(time_env.client, demo_sessions, free_port()) as queue:
        result: ExpenseSummaryResult = await time_env.client.execute_workflow(
            ExpenseSummaryWorkflow.run,
            ExpenseSummaryRequest(subscribed.owner, month=subscribed.month),
            id=f"expense-summary-test-{uuid.uuid4().hex[:8]}",
            task_queue=queue,
        )
    assert result.status == "undelivered"
    with demo_sessions() as session:
        recorded = session.scalars(
            select(ExpenseSummaryDelivery).where(
                ExpenseSummaryDelivery.user_id == subscribed.owner_id
            )
        ).all()
    assert [(r.status, r.month, r.idempotency_key) for r in recorded] == [
        ("undelivered", subscribed.month, result.key)
    ]


async def test_the_schedule_fires_and_the_summary_arrives(
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
    subscribed: Subscribed,
) -> None:
    inbox, port = mail
    client = temporal_env.client
    async with summary_worker(client, demo_sessions, port) as queue:
        await put_summary_schedule(client, subscribed.owner, Frequency.MONTHLY, 1, queue)
        handle = client.get_schedule_handle(f"expense-summary-{subscribed.owner}")
        try:
            await handle.trigger()
            started = await _first_action(handle)
            run = client.get_workflow_handle(started.workflow_id, result_type=ExpenseSummaryResult)
            result = await run.result()
        finally:
            await drop_summary_schedule(client, subscribed.owner)
    assert (result.status, result.username) == ("sent", subscribed.owner)
    [message] = _sent_to(inbox, subscribed.owner_email)
    assert "text/csv" in _parts(message)
    with pytest.raises(RPCError):
        await handle.describe()


async def _first_action(handle: ScheduleHandle) -> ScheduleActionExecutionStartWorkflow:
    """The workflow the schedule's first action started (the trigger is asynchronous)."""
    for _ in range(100):
        actions = (await handle.describe()).info.recent_actions
        if actions:
            action = actions[0].action
            assert isinstance(action, ScheduleActionExecutionStartWorkflow)
            return action
        await asyncio.sleep(0.1)
    raise AssertionError("the schedule started nothing")


async def test_the_summary_follows_the_roles_held_when_it_is_sent(
    time_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
    subscribed: Subscribed,
) -> None:
    inbox, port = mail

    async def send() -> ExpenseSummaryResult:
        return await time_env.client.execute_workflow(
            ExpenseSummaryWorkflow.run,
            ExpenseSummaryRequest(subscribed.owner, month=subscribed.month),
            id=f"expense-summary-test-{uuid.uuid4().hex[:8]}",
            task_queue=queue,
        )

    async with summary_worker(time_env.client, demo_sessions, port) as queue:
        with unit_of_work(demo_sessions) as session:  # made finance after subscribing
            upsert_user(session, subscribed.owner, roles=[Role.FINANCE])
        assert (await send()).status == "sent"
        [as_finance] = _sent_to(inbox, subscribed.owner_email)
        [csv] = _parts(as_finance)["text/csv"]
        assert isinstance(csv, bytes)
        assert subscribed.other in csv.decode() and "130.00" in csv.decode()
        with unit_of_work(demo_sessions) as session:  # neither finance nor an owner any more
            person = find_user(session, subscribed.owner)
            assert person is not None
            person.roles.clear()
            session.execute(
                update(CostCenter)
                .where(CostCenter.owner_id == person.id)
                .values(owner_id=subscribed.author_id)
            )
        skipped = await send()
    assert (skipped.status, skipped.detail) == ("skipped", "no cost center this person may read")
    assert len(_sent_to(inbox, subscribed.owner_email)) == 1
