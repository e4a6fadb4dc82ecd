"""Committed histories of real runs replay against today's workflow code, so a change that would
break running POs fails here (put such changes behind ``workflow.patched``).

Record them again with ``POFLOW_RECORD_HISTORIES=1 pytest tests/workflows`` only when a change is
meant to be incompatible and running workflows have been drained. Runs recorded by earlier
versions stay, so POs started then still replay: ``before-local-activities/`` (Postgres work and
messages as normal activities) and ``before-batched-calls/`` (one local activity per change and
per message, every search attribute upserted at every change)."""

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.registry import DATA_CONVERTER, WORKFLOW_RUNNER, WORKFLOWS

FOLDER = Path(__file__).parent / "histories"
HISTORIES = sorted(FOLDER.rglob("*.json"))
REQUIRED = {
    "three_tier_approval",
    "rejection",
    "escalation",
    "emergency",
    "renewal",
    "renewal_decision",
}


def test_every_required_story_has_a_committed_history() -> None:
    assert {path.stem for path in FOLDER.glob("*.json")} >= REQUIRED


@pytest.mark.parametrize(
    "path", HISTORIES, ids=[str(path.relative_to(FOLDER).with_suffix("")) for path in HISTORIES]
)
async def test_history_replays(path: Path) -> None:
    recorded = json.loads(path.read_text())  # noqa: ASYNC240 - a small file read once
    history = WorkflowHistory.from_json(f"replay-{path.stem}", recorded)
    replayer = Replayer(
        workflows=WORKFLOWS, data_converter=DATA_CONVERTER, workflow_runner=WORKFLOW_RUNNER
    )
    await replayer.replay_workflow(history)
