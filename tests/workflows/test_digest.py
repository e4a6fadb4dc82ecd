"""The daily digest as Temporal runs it: the workflow e-mails each person who chose a digest
their held messages once, and the schedule that starts it every day is created once."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import (
    ScheduleActionStartWorkflow,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    ScheduleRange,
)
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.digest import DigestActivities
from activities.notification_router import NotificationRouter
from domain.catalog import Role
from domain.notifications import Notification
from domain.temporal_names import WorkflowType
from models import OutboundMessage
from models.db import unit_of_work
from models.people.accounts import upsert_user
from models.people.notification_preferences import Preferences, set_preferences
from tests.workflows.helpers import keep_history
from workflows.digest import NotificationDigestWorkflow
from workflows.digest_schedule import SCHEDULE_ID, ensure_digest_schedule
from workflows.registry import WORKFLOW_RUNNER


@pytest.fixture
def router(demo_sessions: sessionmaker[Session]) -> NotificationRouter:
    return NotificationRouter(demo_sessions, None, app_url="https://poflow.example.org")


@pytest.fixture
async def digest_queue(
    time_env: WorkflowEnvironment, router: NotificationRouter
) -> AsyncIterator[str]:
    queue = f"digest-test-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(max_workers=2) as executor:
        async with Worker(
            time_env.client,
            task_queue=queue,
            workflows=[NotificationDigestWorkflow],
            activities=[DigestActivities(router).send_digests],
            activity_executor=executor,
            workflow_runner=WORKFLOW_RUNNER,
        ):
            yield queue


def _digest_reader(sessions: sessionmaker[Session]) -> str:
    username = f"dana-{uuid.uuid4().hex[:8]}"
    with unit_of_work(sessions) as session:
        upsert_user(session, username, roles=(Role.REQUESTER,), display_name="Dana Reader")
        set_preferences(session, username, Preferences(email=True, digest=True))
    return username


def _digests_to(sessions: sessionmaker[Session], username: str) -> list[str]:
    with sessions() as session:
        return list(
            session.scalars(
                select(OutboundMessage.subject).where(
                    OutboundMessage.recipient == username,
                    OutboundMessage.body["kind"].astext == "digest",
                )
            )
        )


async def _run_digest(env: WorkflowEnvironment, queue: str) -> int:
    handle = await env.client.start_workflow(
        NotificationDigestWorkflow.run,
        id=f"digest-{uuid.uuid4().hex[:8]}",
        task_queue=queue,
    )
    sent: int = await handle.result()
    await keep_history(handle, "notification_digest")
    return sent


async def test_the_digest_workflow_sends_held_messages_once(
    time_env: WorkflowEnvironment,
    digest_queue: str,
    router: NotificationRouter,
    demo_sessions: sessionmaker[Session],
) -> None:
    router.send_digests(datetime.now(UTC))  # what other tests of the session left held
    reader = _digest_reader(demo_sessions)
    for kind in ("issued", "rejected"):
        key = f"test-{uuid.uuid4().hex[:8]}:{kind}:{reader}"
        router.send(Notification(reader, kind, f"PO-D1 {kind}", None, key, {}))
    assert _digests_to(demo_sessions, reader) == []

    assert await _run_digest(time_env, digest_queue) == 1
    assert _digests_to(demo_sessions, reader) == ["poflow digest: 2 updates"]
    assert await _run_digest(time_env, digest_queue) == 0
    assert len(_digests_to(demo_sessions, reader)) == 1


async def test_the_digest_schedule_runs_daily_at_seven_utc_and_is_created_once(
    temporal_env: WorkflowEnvironment,
) -> None:
    client = temporal_env.client
    with contextlib.suppress(RPCError):  # made by a worker another test ran on this server
        await client.get_schedule_handle(SCHEDULE_ID).delete()
    await ensure_digest_schedule(client, "digest-schedule-test")
    try:
        await ensure_digest_schedule(client, "digest-schedule-test", hour_utc=9)
        described = await client.get_schedule_handle(SCHEDULE_ID).describe()
    finally:
        with contextlib.suppress(RPCError):
            await client.get_schedule_handle(SCHEDULE_ID).delete()
    action = described.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert action.workflow == WorkflowType.NOTIFICATION_DIGEST
    assert action.task_queue == "digest-schedule-test"
    spec = described.schedule.spec
    assert spec.time_zone_name == "UTC"
    [daily] = spec.calendars
    assert daily.hour == (ScheduleRange(7),) and daily.minute == (ScheduleRange(0),)
    every_day = ScheduleCalendarSpec()
    assert (daily.day_of_month, daily.month, daily.day_of_week) == (
        every_day.day_of_month,
        every_day.month,
        every_day.day_of_week,
    )
    assert described.schedule.policy.overlap is ScheduleOverlapPolicy.SKIP
