"""Tag remediation on the time-skipping server over a real Azure EA export with real untagged
lines and a tag policy in force: each resource owner gets a task and a message listing their
resources and what is wrong, is reminded, then escalated to their manager; the task closes when
the owner maps the resources by virtual tags, or when the next load shows the tags fixed."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.catalog import Role
from domain.costs.governance import VirtualTagMatch
from domain.costs.load_messages import (
    CostFileRef,
    CostLoadRequest,
    CostLoadResult,
    cost_load_workflow_id,
)
from domain.costs.remediation import (
    DEADLINE,
    RemediationStatus,
    RemediationView,
    remediation_workflow_id,
)
from domain.temporal_names import PoQuery, WorkflowType
from models import AuditEntry, OutboundMessage
from models.costs.governance_tasks import open_tasks_for, task_of
from models.costs.noncompliant import noncompliant_resources
from models.db import build_engine, session_factory, unit_of_work
from models.people.accounts import find_user, upsert_user
from services.costs.refusals import CostRefused
from services.costs.remediations import VirtualTagRequest, map_by_virtual_tag, start_remediations
from settings import Settings
from tests.builders.cost_files import AZURE_EA_OLDER_SAMPLE
from tests.builders.tagged_costs import PERIOD, TaggedSample, load_tagged_sample
from tests.conftest import app_role_url, fresh_database
from tests.workflows.helpers import arrives, keep_history
from worker import build_worker

RemediationHandle = WorkflowHandle[object, RemediationView]
FIXES = {"cost_center": "1234", "environment": "prod"}


@dataclass
class Tagged:
    sample: TaggedSample
    sessions: sessionmaker[Session]
    manager: str
    finops: str


@pytest.fixture(scope="module")
def tagged(postgres_admin_url: str) -> Iterator[Tagged]:
    """The sample in a database of its own; the cost-center owner has a manager, and someone
    holds the FinOps role."""
    url = app_role_url(fresh_database(postgres_admin_url, "poflow_remediation_test"))
    engine = build_engine(url, pool_size=4)
    sample = load_tagged_sample(engine)
    sessions = session_factory(engine)
    with unit_of_work(sessions) as session:
        tag = uuid.uuid4().hex[:6]
        manager = upsert_user(session, f"manager-{tag}", roles=[Role.APPROVER])
        finops = upsert_user(session, f"finops-{tag}", roles=[Role.FINOPS])
        owner = find_user(session, sample.center_owner)
        assert owner is not None
        owner.manager_id = manager.id
        names = (manager.username, finops.username)
    yield Tagged(sample, sessions, *names)
    engine.dispose()


@dataclass
class Runner:
    env: WorkflowEnvironment
    settings: Settings


@pytest.fixture
async def runner(
    time_env: WorkflowEnvironment, tagged: Tagged, tmp_path: Path
) -> AsyncIterator[Runner]:
    queue = f"remediation-{uuid.uuid4().hex[:8]}"
    settings = Settings(_env_file=None, temporal_task_queue=queue, data_dir=tmp_path)
    async with build_worker(time_env.client, settings, tagged.sessions):
        yield Runner(time_env, settings)


async def _view_when(
    handle: RemediationHandle, ready: Callable[[RemediationView], bool]
) -> RemediationView:
    for _ in range(300):
        view: RemediationView = await handle.query(PoQuery.VIEW, result_type=RemediationView)
        if ready(view):
            return view
        await asyncio.sleep(0.1)
    raise AssertionError(f"never got there; last: {view.status} {view.waiting_on}")


def _messages(sessions: sessionmaker[Session], recipient: str, workflow_id: str) -> list[Any]:
    with sessions() as session:
        return list(
            session.scalars(
                select(OutboundMessage.body).where(
                    OutboundMessage.recipient == recipient,
                    OutboundMessage.idempotency_key.startswith(workflow_id),
                )
            )
        )


def _kinds(sessions: sessionmaker[Session], recipient: str, workflow_id: str) -> list[str]:
    return [str(body["kind"]) for body in _messages(sessions, recipient, workflow_id)]


def _escalates_in(sessions: sessionmaker[Session], workflow_id: str) -> datetime:
    """When the task escalates, as the inbox shows it: five days after it opened."""
    with sessions() as session:
        task = task_of(session, workflow_id)
    assert task is not None and task.deadline is not None, "the task shows no deadline"
    assert DEADLINE <= task.deadline - task.opened_at < DEADLINE + timedelta(minutes=1)
    return task.deadline


def _owned_by(sessions: sessionmaker[Session], owner: str) -> set[str]:
    with sessions() as session:
        found = noncompliant_resources(session, PERIOD)
    return {r.resource_id for r in found if owner in r.owners}


async def test_the_owner_is_chased_escalated_and_closes_the_task_by_mapping_the_resources(
    runner: Runner, tagged: Tagged
) -> None:
    sample, sessions = tagged.sample, tagged.sessions
    owner = sample.center_owner
    owned = _owned_by(sessions, owner)
    owners = await start_remediations(runner.env.client, runner.settings, sessions, PERIOD)
    assert owners == sorted([owner, sample.source_owner])
    workflow_id = remediation_workflow_id(owner, PERIOD)
    handle: RemediationHandle = runner.env.client.get_workflow_handle(workflow_id)

    view = await _view_when(handle, lambda v: bool(v.resources))
    assert {r.resource_id for r in view.resources} == owned and view.waiting_on == [owner]
    with sessions() as session:
        assert workflow_id in [t.workflow_id for t in open_tasks_for(session, owner)]
    first_due = _escalates_in(sessions, workflow_id)
    await arrives(lambda: _kinds(sessions, owner, workflow_id), "tag_remediation")
    [told] = _messages(sessions, owner, workflow_id)
    assert {r["resource_id"] for r in told["resources"]} == owned
    assert all(r["problems"] for r in told["resources"])

    await runner.env.sleep(timedelta(days=2, hours=1))
    await arrives(lambda: _kinds(sessions, owner, workflow_id), "reminder")
    await runner.env.sleep(timedelta(days=3))
    await _view_when(handle, lambda v: tagged.manager in v.waiting_on)
    await arrives(lambda: _kinds(sessions, tagged.manager, workflow_id), "escalation")
    with sessions() as session:
        escalated = task_of(session, workflow_id)
    assert escalated is not None and escalated.deadline is not None
    assert escalated.deadline >= first_due + DEADLINE  # the manager has five days of their own

    with sessions() as session:
        user = find_user(session, owner)
    assert user is not None
    others = _owned_by(sessions, sample.source_owner)
    with pytest.raises(CostRefused) as refused:  # not a resource of theirs
        await map_by_virtual_tag(
            runner.env.client,
            sessions,
            user,
            _mapping(sorted(others)[0], "cost_center"),
            start_month=1,
        )
    assert refused.value.rule == "not_entitled"
    for resource in view.resources:
        for key in {problem.split(":")[0] for problem in resource.problems}:
            await map_by_virtual_tag(
                runner.env.client,
                sessions,
                user,
                _mapping(resource.resource_id, key),
                start_month=1,
            )
    closed = await _view_when(handle, lambda v: v.status is not RemediationStatus.OPEN)
    assert closed.status is RemediationStatus.MAPPED
    with sessions() as session:
        task = task_of(session, workflow_id)
        assert task is not None and task.outcome == "mapped" and task.waiting_on == []
        actors = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "virtual_tag.created")
        ).all()
    assert owner in actors
    await keep_history(handle, "tag_remediation_mapped")


def _mapping(resource_id: str, key: str) -> VirtualTagRequest:
    return VirtualTagRequest(
        VirtualTagMatch.RESOURCE, resource_id, key, FIXES[key], "tagged by hand"
    )


async def test_the_next_load_showing_the_tags_fixed_closes_the_task(
    runner: Runner, tagged: Tagged
) -> None:
    sample, sessions = tagged.sample, tagged.sessions
    owners = await start_remediations(runner.env.client, runner.settings, sessions, PERIOD)
    assert sample.source_owner in owners
    workflow_id = remediation_workflow_id(sample.source_owner, PERIOD)
    handle: RemediationHandle = runner.env.client.get_workflow_handle(workflow_id)
    await _view_when(handle, lambda v: bool(v.resources))

    upload = runner.settings.cost_files.upload_dir / sample.source
    upload.mkdir(parents=True, exist_ok=True)
    (upload / "tagged.csv").write_text(_every_row_tagged(), encoding="utf-8-sig")
    load: WorkflowHandle[object, CostLoadResult] = await runner.env.client.start_workflow(
        WorkflowType.COST_LOAD,
        CostLoadRequest(
            sample.source, PERIOD, (CostFileRef("upload", "tagged.csv", "tagged.csv"),)
        ),
        id=cost_load_workflow_id(sample.source, PERIOD),
        task_queue=runner.settings.temporal_task_queue,
        result_type=CostLoadResult,
    )
    assert (await load.result()).status == "loaded"

    closed = await _view_when(handle, lambda v: v.status is not RemediationStatus.OPEN)
    assert closed.status is RemediationStatus.FIXED
    with sessions() as session:
        assert (
            session.scalar(
                text("SELECT outcome FROM governance_tasks WHERE workflow_id = :id"),
                {"id": workflow_id},
            )
            == "fixed"
        )
    await keep_history(handle, "tag_remediation_fixed")
    await keep_history(load, "cost_load_rechecks_remediations")


def _every_row_tagged() -> str:
    """The sample as the provider delivers it once every resource carries the tags."""
    with AZURE_EA_OLDER_SAMPLE.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        row["Tags"] = json.dumps({"CostCenter": "1234", "env": "prod"})[1:-1]
        writer.writerow(row)
    return out.getvalue()
