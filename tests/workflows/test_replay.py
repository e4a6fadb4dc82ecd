"""Committed histories of real runs replay against today's workflow code, so a change that would
break running POs fails here. How to make such a change, and when to record these histories
again: docs/workflow-changes.md."""

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from temporal_client.converter import DATA_CONVERTER
from workflows.registry import WORKFLOW_RUNNER, WORKFLOWS

FOLDER = Path(__file__).parent / "histories"
HISTORIES = sorted(FOLDER.glob("*.json"))
REQUIRED = {
    "three_tier_approval",  # approved tier by tier, issued, sleeping until close
    "rejection",
    "refused",  # validation rules failed
    "over_budget_refused",  # the ledger refused the reservation
    "information_requested",  # asked and answered
    "cancel",
    "escalation",
    "emergency",
    "change_order",
    "receipt",  # receipts refused and recorded on an issued PO
    "milestone_acceptance",  # a delivered milestone accepted, rejected, delivered again
    "change_control",  # issue held for the change ticket, then released
    "needs_attention_retried",
    "needs_attention_cancelled",
    "renewal",
    "renewal_decision",
    "renewal_consumption",  # the window reads the PO's consumption (patched)
    "erp_status_poll",
    "notification_digest",
    "cost_load",  # a month loaded from a bucket's CUR report
    "cost_load_unchanged",  # the same files again
    "cost_load_failed",  # a file refused, what was staged abandoned
    "cost_load_in_parts",  # a month in two parts of one account, one load of both
    "cost_refresh",  # the scheduled refresh of the last closed and the open month
    "cost_freshness",
    "cost_document_review",  # a rate card's change reminded, escalated, then approved
    "cost_document_review_needs_reviewer",  # nobody to ask, routed again once someone may
    "cost_document_review_supersedes",  # approved, it tells the older reviews (patched)
    "cost_document_review_superseded",  # closed undecided: a newer version went in force
    "tag_remediation_mapped",  # reminded, escalated to the manager, closed by virtual tags
    "tag_remediation_fixed",  # closed when the next load shows the tags fixed
    "cost_load_rechecks_remediations",  # the load tells the period's remediations (patched)
    "depreciation_run",  # the monthly depreciation booked through a month
    "variance_detection",  # a month's breaching lines, each investigated once
    "variance_sent_back_then_accepted",  # explained, sent back, explained again, accepted
    "variance_escalated",  # reminded, escalated to the owner's manager, who explains it
    "recommendation_review",  # the month just closed judged for recommendations
    "spend_anomaly_policy_clock",  # the policy's minutes: reminded, escalated twice, answered
}


def test_every_required_story_has_a_committed_history() -> None:
    assert {path.stem for path in FOLDER.glob("*.json")} >= REQUIRED


@pytest.mark.parametrize("path", HISTORIES, ids=[path.stem for path in HISTORIES])
async def test_history_replays(path: Path) -> None:
    recorded = json.loads(path.read_text())  # noqa: ASYNC240 - a small file read once
    history = WorkflowHistory.from_json(f"replay-{path.stem}", recorded)
    replayer = Replayer(
        workflows=WORKFLOWS, data_converter=DATA_CONVERTER, workflow_runner=WORKFLOW_RUNNER
    )
    await replayer.replay_workflow(history)
