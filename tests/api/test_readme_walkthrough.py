"""The documented walk through the demo (docs/walkthrough.md) is true: its requisition, read from
the document itself, is accepted and stays within the demo's budget (no budget alert), and each
curl command there answers what the document says it answers, decision after decision, until the
PO is issued."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cli.demo_data import MONTHLY_BUDGETS
from tests.api import e2e
from tests.builders.demo_people import only_the_demo_people

stack = e2e.stack
pytestmark = pytest.mark.slow
WALKTHROUGH = Path(__file__).parents[2] / "docs" / "walkthrough.md"
DOC_NUMBER = "PO-1010"
_CURL = re.compile(
    r"curl -X POST localhost:8000(?P<path>\S+) -H \"Authorization: Bearer \$(?P<who>\w+)\""
    r".*?-d '(?P<body>.*?)'\n# → (?P<status>\d{3}) (?P<answer>[^\n]*)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Step:
    """One curl command of the walk-through and the answer the document shows for it."""

    path: str
    user: str
    body: dict[str, Any]
    status: int
    answer: dict[str, Any]


def walkthrough() -> list[Step]:
    section = WALKTHROUGH.read_text(encoding="utf-8")
    return [
        Step(
            found["path"],
            found["who"].lower(),
            json.loads(found["body"]),
            int(found["status"]),
            json.loads(found["answer"]),
        )
        for found in _CURL.finditer(section)
    ]


@pytest.fixture
def demo_people(stack: e2e.Stack) -> Iterator[None]:
    with only_the_demo_people(stack.sessions):
        yield


async def test_the_demo_walkthrough_is_within_budget_and_answers_as_it_says(
    stack: e2e.Stack, demo_people: None
) -> None:
    requisition, *decisions = walkthrough()
    assert requisition.path == "/api/requisitions" and len(decisions) == 8
    before = await _reserved(stack, requisition.body)
    submitted = await stack.post(requisition.user, requisition.path, requisition.body)
    assert submitted.status_code == requisition.status, submitted.text
    number = submitted.json()["po_number"]
    assert submitted.json() == _as(requisition.answer, number)

    await stack.pending(number)
    await _no_budget_alert(stack, requisition.body, before)

    for step in decisions:
        answer = await stack.post(step.user, step.path.replace(DOC_NUMBER, number), step.body)
        assert answer.status_code == step.status, answer.text
        expected = _as(step.answer, number)
        if expected.get("status") == "approved" and answer.json().get("status") == "issued":
            expected["status"] = "issued"  # the workflow issued it before the answer went out
        assert answer.json() == expected, step
    issued = await stack.po_when(number, lambda p: p["status"] == "issued")
    assert issued["detail"]["erp_reference"]


def _as(answer: dict[str, Any], number: str) -> dict[str, Any]:
    """The document's answer about its PO, told of ``number`` instead."""
    return dict(json.loads(json.dumps(answer).replace(DOC_NUMBER, number)))


async def _reserved(stack: e2e.Stack, requisition: dict[str, Any]) -> dict[int, dict[str, int]]:
    """The requisition's budget line, period by period, as the budget API lists it."""
    line = (requisition["cost_center"], requisition["gl_account"])
    assert line in MONTHLY_BUDGETS, f"{line} has no budget in the demo"
    year = int(requisition["lines"][0]["service_start"][:4])
    listed = await stack.get("fiona", "/api/budgets", fiscal_year=year, cost_center=line[0])
    return {p["period"]: p for p in listed.json() if p["gl_account"] == line[1]}


async def _no_budget_alert(
    stack: e2e.Stack, requisition: dict[str, Any], before: dict[int, dict[str, int]]
) -> None:
    """On the demo's fresh ledger, where nothing else is booked to the line, what the PO
    reserves in each period stays below the first alert threshold (80 %). Other tests share
    this ledger, so the PO's own share is what it adds to each period."""
    after = await _reserved(stack, requisition)
    added = {n: p["reserved_minor"] - before[n]["reserved_minor"] for n, p in after.items()}
    assert any(added.values()), after
    for number, reserved in added.items():
        assert reserved * 100 < 80 * after[number]["budget_minor"], after[number]
