"""The month's optimisation recommendations on the time-skipping server over Postgres: by default
the run judges the month before it started (its clock moved to a month of the test's own, with
the FOCUS specification's unused commitment discount loaded), finds the unused hour, and a
second run adds nothing; the worker's schedule runs it on the 3rd of every month."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import ScheduleOverlapPolicy, ScheduleRange
from temporalio.testing import WorkflowEnvironment

from domain.costs.recommendations import ReviewOutcome, ReviewRequest
from domain.temporal_names import WorkflowType
from models.costs.recommendation_records import CostRecommendation
from models.db import session_factory
from settings import Settings
from tests.builders.focus_lines import SPEC_UNUSED, focus_lines
from tests.models.costs.priced import load_lines
from tests.workflows.helpers import ensured_schedule, keep_history
from worker import build_worker
from workflows.costs.recommendation_schedule import SCHEDULE_ID, ensure_review_schedule

# A month no other test loads lines into: the run starts on the 3rd of the month after it.
MONTH = date(2034, 2, 1)
RUN_AT = datetime(2034, 3, 3, 6, tzinfo=UTC)


@pytest.fixture
def sessions_committed(engine: Engine) -> sessionmaker[Session]:
    """Sessions on the test database that commit, as the worker's do."""
    return session_factory(engine)


@pytest.fixture
async def review_queue(
    time_env: WorkflowEnvironment, sessions_committed: sessionmaker[Session], tmp_path: Path
) -> AsyncIterator[str]:
    queue = f"recommendation-review-{uuid.uuid4().hex[:8]}"
    settings = Settings(_env_file=None, temporal_task_queue=queue, data_dir=tmp_path)
    async with build_worker(time_env.client, settings, sessions_committed):
        yield queue


async def _review(env: WorkflowEnvironment, queue: str, history: str = "") -> ReviewOutcome:
    handle = await env.client.start_workflow(
        WorkflowType.RECOMMENDATION_REVIEW,
        ReviewRequest(),
        id=f"recommendation-review-test-{uuid.uuid4().hex[:8]}",
        task_queue=queue,
        result_type=ReviewOutcome,
    )
    outcome: ReviewOutcome = await handle.result()
    if history:
        await keep_history(handle, history)
    return outcome


def _stored(sessions: sessionmaker[Session], tag: str) -> list[tuple[str, str, int | None]]:
    with sessions() as session:
        rows = session.scalars(
            select(CostRecommendation).where(
                CostRecommendation.period == MONTH, CostRecommendation.resource_id.endswith(tag)
            )
        )
        return sorted((r.kind, r.resource_id, r.estimated_saving_minor) for r in rows)


async def test_the_month_just_closed_gets_its_recommendations_once(
    time_env: WorkflowEnvironment,
    review_queue: str,
    engine: Engine,
    sessions_committed: sessionmaker[Session],
) -> None:
    tag = uuid.uuid4().hex[:8]
    load_lines(engine, MONTH, focus_lines(SPEC_UNUSED, tag))
    await time_env.sleep(RUN_AT - await time_env.get_current_time())

    # No timer to skip to: waiting for a result must not move the clock (to a run timeout).
    with time_env.auto_time_skipping_disabled():
        first = await _review(time_env, review_queue, "recommendation_review")
        again = await _review(time_env, review_queue)
    stored = _stored(sessions_committed, tag)
    assert first.period == "2034-02" and first.new == first.found == len(stored)
    unused = ("unused_commitment", f"<my-commitment-discount-id>-{tag}", 150)
    assert unused in stored  # EffectiveCost 1.50 of the unused hour
    assert (again.period, again.found, again.new) == ("2034-02", first.found, 0)
    with sessions_committed() as session:
        total = session.scalar(
            select(func.count()).where(CostRecommendation.period == MONTH)  # nothing else
        )
    assert total == len(stored)


async def test_the_schedule_runs_on_the_third_of_each_month_and_is_created_once(
    temporal_env: WorkflowEnvironment,
) -> None:
    described, action = await ensured_schedule(
        temporal_env.client, SCHEDULE_ID, ensure_review_schedule
    )
    assert action.workflow == WorkflowType.RECOMMENDATION_REVIEW
    spec = described.schedule.spec
    [monthly] = spec.calendars
    assert (monthly.day_of_month, monthly.hour) == ((ScheduleRange(3),), (ScheduleRange(6),))
    assert spec.time_zone_name == "UTC"
    policy = described.schedule.policy
    assert policy.overlap is ScheduleOverlapPolicy.SKIP
    assert policy.catchup_window == timedelta(days=7)
