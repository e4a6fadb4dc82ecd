"""A side effect that cannot be done never fails a PO: with the mail server refusing, the chat
webhooks answering 500, or Postgres out of reach for the messaging part, every message fails past
its retries, and with ServiceNow out of reach every write-back to the ticket does; the PO still
waits for its approver, takes the decision and ends, its budget released; what did not go out
is kept on the PO and in its read model."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.notification_router import NotificationRouter
from activities.outbound import OutboundActivities
from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.chat import ChatChannel, chat_simulator_app
from domain.catalog import Decision, PoStatus
from domain.purchase_order import PoView
from domain.side_effects import MESSAGE, TICKET_UPDATE
from domain.temporal_names import PoQuery
from models.db import build_engine, session_factory, unit_of_work
from models.integrations.builtin_erp import PostgresErp
from models.integrations.outbox import PostgresOutbox
from models.people.notification_preferences import Preferences, preferences_of, set_preferences
from settings import Settings
from tests.builders.requisitions import laptops
from tests.workflows.conftest import PoRunner, view_when, waiting
from tests.workflows.helpers import PoHandle, audit_actions, balance, decide, read_model
from worker import build_activities, build_itsm, build_worker
from workflows.registry import WORKFLOW_RUNNER, WORKFLOWS

WorkerFactory = Callable[[WorkflowEnvironment, sessionmaker[Session], str], Worker]


@contextmanager
def mail_refused() -> Iterator[WorkerFactory]:
    """SMTP on a loopback port nobody listens on: every e-mail is refused."""
    closed = loopback_socket()
    port = closed.getsockname()[1]

    def factory(env: WorkflowEnvironment, sessions: sessionmaker[Session], queue: str) -> Worker:
        settings = _settings(queue, smtp_host="127.0.0.1", smtp_port=port)
        return build_worker(env.client, settings, sessions)

    try:
        yield factory
    finally:
        closed.close()


@contextmanager
def chat_failing() -> Iterator[WorkerFactory]:
    """The Slack and Teams simulators answering 500 to every post; the approver and the
    requester chose chat only."""
    channel = ChatChannel(fail_next=10**6)
    sock = loopback_socket()

    def factory(env: WorkflowEnvironment, sessions: sessionmaker[Session], queue: str) -> Worker:
        url = url_of(sock)
        settings = _settings(
            queue, slack_webhook_url=f"{url}/slack/T0/B0/x", teams_webhook_url=f"{url}/teams/f/1"
        )
        return build_worker(env.client, settings, sessions)

    with served(chat_simulator_app(channel), sock):
        yield factory


@contextmanager
def postgres_out_of_reach() -> Iterator[WorkerFactory]:
    """The messaging part reaches Postgres on a port nobody listens on; the rest of the worker
    uses the real database."""
    closed = loopback_socket()
    port = closed.getsockname()[1]
    engine = build_engine(f"postgresql+psycopg://poflow@127.0.0.1:{port}/poflow", pool_size=1)

    def factory(env: WorkflowEnvironment, sessions: sessionmaker[Session], queue: str) -> Worker:
        settings = _settings(queue)
        router = NotificationRouter(session_factory(engine), None, app_url=settings.app_url)
        itsm = build_itsm(PostgresOutbox(sessions), settings)
        outbound = OutboundActivities(PostgresErp(sessions), itsm, router)
        messaging: list[Callable[..., Any]] = [
            outbound.send_notification,
            outbound.send_notifications,
        ]
        names = {activity.__name__ for activity in messaging}
        others = [a for a in build_activities(sessions, settings) if a.__name__ not in names]
        return Worker(
            env.client,
            task_queue=queue,
            workflows=WORKFLOWS,
            activities=[*others, *messaging],
            activity_executor=ThreadPoolExecutor(max_workers=8),
            workflow_runner=WORKFLOW_RUNNER,
        )

    try:
        yield factory
    finally:
        closed.close()
        engine.dispose()


OUTAGES: dict[str, Callable[[], AbstractContextManager[WorkerFactory]]] = {
    "mail refused": mail_refused,
    "chat answering 500": chat_failing,
    "postgres out of reach for messaging": postgres_out_of_reach,
}


@pytest.fixture(params=list(OUTAGES))
async def failing_runner(
    request: pytest.FixtureRequest,
    time_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
) -> AsyncIterator[PoRunner]:
    queue = f"po-test-{uuid.uuid4().hex[:8]}"
    with OUTAGES[request.param]() as factory, _chat_only(demo_sessions, request.param):
        runner = PoRunner(time_env, demo_sessions, queue)
        async with factory(time_env, demo_sessions, queue):
            yield runner
            await runner.end_all()


async def test_a_po_whose_messages_all_fail_is_decided_and_ends(
    failing_runner: PoRunner, db: Session
) -> None:
    handle = await failing_runner.start(laptops())
    view = await view_when(handle, waiting)
    assert view.waiting_on() == ["priya"]
    view = await _after_retries(failing_runner.env, handle, lambda v: bool(v.undelivered))
    asked = view.undelivered[0]
    assert (asked.what, asked.recipient) == (MESSAGE, "priya")
    assert "waits on you" in asked.subject and asked.reason

    await decide(handle, "priya", Decision.REJECT, comment="we have spares in stock")
    result = await handle.result()

    assert result.status is PoStatus.REJECTED
    assert balance(db, result.po_number) == (0, 0)  # the reservation is released
    told = [(item.recipient, item.subject) for item in result.undelivered]
    assert (("alex", f"{result.po_number} rejected")) in told
    row = read_model(db, result.po_number)
    assert row.status is PoStatus.REJECTED
    assert [item["recipient"] for item in row.detail["undelivered"]] == [r for r, _ in told]
    assert "side_effect.undelivered" in audit_actions(db, result.po_number)


async def _after_retries(
    env: WorkflowEnvironment, handle: PoHandle, ready: Callable[[PoView], bool]
) -> PoView:
    """The PO's view once ``ready`` holds, skipping the time its retries wait on timers."""
    for _ in range(300):
        view: PoView = await handle.query(PoQuery.VIEW, result_type=PoView)
        if ready(view):
            return view
        await env.sleep(timedelta(seconds=30))
        await asyncio.sleep(0.1)
    raise AssertionError(f"never ready; last: {view}")


def _settings(queue: str, **values: Any) -> Settings:
    return Settings(_env_file=None, temporal_task_queue=queue, **values)


@contextmanager
def _chat_only(sessions: sessionmaker[Session], outage: str) -> Iterator[None]:
    """With the chat outage, the approver and the requester chose chat only; as before after."""
    if outage != "chat answering 500":
        yield
        return
    people = ("priya", "alex")
    with unit_of_work(sessions) as session:
        before = {person: preferences_of(session, person) for person in people}
        for person in people:
            set_preferences(session, person, Preferences(email=False, chat=True))
    try:
        yield
    finally:
        with unit_of_work(sessions) as session:
            for person, choice in before.items():
                set_preferences(session, person, choice)


async def test_a_ticket_that_cannot_be_written_back_never_holds_the_po(
    time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session], db: Session
) -> None:
    """ServiceNow out of reach: every write-back to the ticket fails past its retries."""
    closed = loopback_socket()
    queue = f"po-test-{uuid.uuid4().hex[:8]}"
    servicenow = {"servicenow_url": url_of(closed), "servicenow_user": "poflow"}
    runner = PoRunner(time_env, demo_sessions, queue)
    try:
        async with build_worker(time_env.client, _settings(queue, **servicenow), demo_sessions):
            handle = await runner.start(replace(laptops(), itsm_ticket="servicenow:ritm-42"))
            await view_when(handle, waiting)
            await _after_retries(time_env, handle, lambda v: bool(v.undelivered))
            await decide(handle, "priya", Decision.REJECT, comment="we have spares in stock")
            result = await handle.result()
            await runner.end_all()
    finally:
        closed.close()
    assert result.status is PoStatus.REJECTED
    notes = [item.subject for item in result.undelivered if item.what == TICKET_UPDATE]
    assert notes[0] == "raised; waiting for approval by priya"
    assert any(note.startswith("reject by priya") for note in notes)
    assert {item.recipient for item in result.undelivered} == {"servicenow:ritm-42"}
    assert "side_effect.undelivered" in audit_actions(db, result.po_number)
