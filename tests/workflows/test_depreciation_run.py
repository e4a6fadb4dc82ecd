"""The monthly depreciation run as Temporal runs it: the workflow books every asset's months up
to the one asked (by default the month just closed), each once however often it runs; the
schedule that starts it on the 1st of each month is created once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import ScheduleOverlapPolicy, ScheduleRange
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.depreciation import DepreciationActivities
from domain.depreciation_messages import DepreciationRequest, DepreciationResult, month_before
from domain.temporal_names import WorkflowType
from models import FixedAsset
from models.budgets.asset_store import register_assets
from models.budgets.depreciation import asset_schedule
from models.db import unit_of_work
from models.people.accounts import find_user
from tests.builders.uploads import register_of
from tests.models.budget_org import budget_org
from tests.workflows.helpers import ensured_schedule, keep_history
from workflows.depreciation import DepreciationRunWorkflow
from workflows.depreciation_schedule import SCHEDULE_ID, ensure_depreciation_schedule
from workflows.registry import WORKFLOW_RUNNER

HEADER = (
    "tag,description,cost_center,gl_account,cost,currency,salvage,method,life_months,in_service"
)


@pytest.fixture
async def depreciation_queue(
    time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session]
) -> AsyncIterator[str]:
    queue = f"depreciation-test-{uuid.uuid4().hex[:8]}"
    activities = DepreciationActivities(demo_sessions, "EUR", 1)
    with ThreadPoolExecutor(max_workers=2) as executor:
        async with Worker(
            time_env.client,
            task_queue=queue,
            workflows=[DepreciationRunWorkflow],
            activities=[activities.book_depreciation],
            activity_executor=executor,
            workflow_runner=WORKFLOW_RUNNER,
        ):
            yield queue


def _an_asset(sessions: sessionmaker[Session], in_service: str, life: int) -> str:
    """An asset of 1,200.00 EUR over ``life`` months on a cost center of its own; its tag."""
    with unit_of_work(sessions) as session:
        org = budget_org(session, monthly=0)
        tag = f"RUN-{org.source}"
        row = f"{tag},Rack,{org.source},{org.gl},1200.00,EUR,0,straight_line,{life},{in_service}"
        finance = find_user(session, "fiona")
        assert finance is not None
        register_assets(
            session,
            register_of(f"{HEADER}\n{row}\n"),
            base_currency="EUR",
            by=finance,
            at=datetime.now(UTC),
        )
    return tag


def _booked(sessions: sessionmaker[Session], tag: str) -> list[str]:
    with sessions() as session:
        asset = session.scalar(select(FixedAsset).where(FixedAsset.tag == tag))
        assert asset is not None
        return [f"{c.month:%Y-%m}" for c in asset_schedule(session, asset) if c.booked]


async def _run(env: WorkflowEnvironment, queue: str, through: str = "") -> DepreciationResult:
    handle = await env.client.start_workflow(
        DepreciationRunWorkflow.run,
        DepreciationRequest(through),
        id=f"depreciation-{uuid.uuid4().hex[:8]}",
        task_queue=queue,
    )
    result: DepreciationResult = await handle.result()
    await keep_history(handle, "depreciation_run")
    return result


async def test_the_run_books_each_month_once(
    time_env: WorkflowEnvironment, depreciation_queue: str, demo_sessions: sessionmaker[Session]
) -> None:
    tag = _an_asset(demo_sessions, "2003-01-20", 12)
    first = await _run(time_env, depreciation_queue, "2003-03")
    assert (first.through, first.currency) == ("2003-03", "EUR")
    assert _booked(demo_sessions, tag) == ["2003-01", "2003-02", "2003-03"]
    await _run(time_env, depreciation_queue, "2003-03")
    assert _booked(demo_sessions, tag) == ["2003-01", "2003-02", "2003-03"]


async def test_by_default_the_run_books_the_month_just_closed(
    time_env: WorkflowEnvironment, depreciation_queue: str, demo_sessions: sessionmaker[Session]
) -> None:
    today = date.today()
    closed = month_before(today.year, today.month)
    tag = _an_asset(demo_sessions, f"{closed}-01", 24)
    result = await _run(time_env, depreciation_queue)
    assert result.through == closed
    assert _booked(demo_sessions, tag) == [closed]


async def test_the_schedule_runs_on_the_first_of_each_month_and_is_created_once(
    temporal_env: WorkflowEnvironment,
) -> None:
    described, action = await ensured_schedule(
        temporal_env.client, SCHEDULE_ID, ensure_depreciation_schedule
    )
    assert action.workflow == WorkflowType.DEPRECIATION_RUN
    [monthly] = described.schedule.spec.calendars
    assert (monthly.day_of_month, monthly.hour) == ((ScheduleRange(1),), (ScheduleRange(2),))
    assert described.schedule.policy.overlap is ScheduleOverlapPolicy.SKIP
