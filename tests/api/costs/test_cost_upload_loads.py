"""An upload through the API loaded by the real worker: the real AWS CUR sample, streamed in,
is loaded by its CostLoad workflow, and once the workflow ends its lines are what a reader sees
(per service, DuckDB's own sums of the file to the last decimal) and the source lists the load
as current."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from domain.costs.load_messages import CostLoadResult
from domain.costs.quality_rules import RULES, Action
from models.costs.totals import cost_totals
from tests.adapters.costs.test_cost_totals import METRICS
from tests.api import e2e
from tests.builders.cost_files import AWS_CUR_SAMPLE
from tests.builders.cost_sums import duckdb_by_service

KEEP_EVERY_ROW = {rule.id: Action.KEEP_AND_FLAG.value for rule in RULES}


@pytest.fixture(scope="module")
async def stack(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[e2e.Stack]:
    data_dir = tmp_path_factory.mktemp("cost-uploads")
    async with e2e.serve_stack(
        demo_database_url, temporal_env, demo_sessions, data_dir=data_dir
    ) as stack:
        yield stack


async def test_an_uploaded_file_is_loaded_and_its_lines_seen_when_the_load_ends(
    stack: e2e.Stack,
) -> None:
    name = f"aws-upload-{uuid.uuid4().hex[:6]}"
    body = {
        "name": name,
        "format": "aws-cur",
        "provider": "AWS",
        "base_currency": "USD",
        "quality_actions": KEEP_EVERY_ROW,
        "owners": ["fiona"],
    }
    created = await stack.post("fiona", "/api/costs/sources", body)
    assert created.status_code == 201, created.text
    with AWS_CUR_SAMPLE.open("rb") as stream:
        answer = await stack.http.post(
            f"/api/costs/sources/{name}/files",
            params={"filename": AWS_CUR_SAMPLE.name},
            content=stream.read(),
            headers=stack.auth("fiona"),
        )
    assert answer.status_code == 202, answer.text
    workflow_id = answer.json()["workflow_id"]
    handle = stack.temporal.get_workflow_handle(workflow_id, result_type=CostLoadResult)
    result = await handle.result()
    assert (result.status, result.rows_loaded) == ("loaded", 1281), result

    with stack.sessions() as session:
        stored = {
            group.group["service"]: {m: v.normalize() for m, v in group.totals.items()}
            for group in cost_totals(session, ["service"], source=name)
        }
    by_service = {s: {m: sums[m] for m in METRICS} for s, sums in stored.items()}
    assert by_service == duckdb_by_service()
    listed = {s["name"]: s for s in (await stack.get("ines", "/api/costs/sources")).json()}
    assert listed[name]["last_load_status"] == "current"
    assert listed[name]["last_load_file"] == AWS_CUR_SAMPLE.name
    assert listed[name]["newest_data"] == "2023-11-14" and listed[name]["stale"] is True
