"""Variance investigations through the JSON API, end to end (real Postgres, real Temporal, the
demo organisation and its policy: 10 % and 1,000.00 EUR over budget or forecast): an actual
booked far over IT-SEC's budget for a month is detected as a variance; Lee (its owner) or his
delegate explains it, finance sends it back or accepts it; every refusal names its rule."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api import e2e

stack = e2e.stack

PERIOD, LINE = "2027-09", ("IT-SEC", "6130")  # budget 10,000.00 EUR a month
WORKFLOW_ID = f"variance-{PERIOD}-{LINE[0]}-{LINE[1]}"
PATH = f"/api/variances/{WORKFLOW_ID}"


@pytest.fixture(scope="module")
async def detected(stack: e2e.Stack) -> AsyncIterator[dict[str, Any]]:
    """15,000.00 EUR booked on the line in the month, then the month's detection, by finance."""
    bill = {
        "cost_center": LINE[0],
        "gl_account": LINE[1],
        "fiscal_year": 2027,
        "period": 9,
        "amount": "15000.00",
        "reference": f"VARIANCE-{uuid.uuid4().hex[:8]}",
    }
    booked = await stack.post("fiona", "/api/ledger/actuals", bill)
    assert booked.status_code == 201, booked.text
    found = await stack.post("fiona", "/api/variances/detect", {"period": PERIOD})
    assert found.status_code == 200, found.text
    yield found.json()


async def _open(stack: e2e.Stack, status: str = "open") -> dict[str, Any]:
    last: dict[str, Any] = {}
    for _ in range(150):
        response = await stack.get("fiona", PATH)
        if response.status_code == 200:
            last = response.json()
            if last["status"] == status and last["waiting_on"]:
                return last
        await asyncio.sleep(0.2)
    raise AssertionError(f"the investigation never got {status}; last: {last}")


async def _refused(response: Any, code: int, rule: str) -> None:
    assert response.status_code == code, response.text
    assert response.json()["rule"] == rule


async def test_detection_is_for_finance_with_a_month_and_starts_a_line_once(
    stack: e2e.Stack, detected: dict[str, Any]
) -> None:
    assert WORKFLOW_ID in detected["started"]
    again = await stack.post("fiona", "/api/variances/detect", {"period": PERIOD})
    assert again.status_code == 200 and WORKFLOW_ID in again.json()["breaching"]
    assert WORKFLOW_ID not in again.json()["started"]
    assert (await stack.post("lee", "/api/variances/detect", {"period": PERIOD})).status_code == 403
    bad = await stack.post("fiona", "/api/variances/detect", {"period": "2027-13"})
    await _refused(bad, 422, "invalid_period")


async def test_the_report_shows_the_owner_their_lines_and_nobody_else_others(
    stack: e2e.Stack, detected: dict[str, Any]
) -> None:
    row = await _open(stack)
    assert (row["owner"], row["budget_minor"], row["actual_minor"]) == ("lee", 1_000_000, 1_500_000)
    assert "budget" in row["breached"] and row["waiting_on"] == ["lee"]
    lees = (await stack.get("lee", "/api/variances", period=PERIOD)).json()
    assert WORKFLOW_ID in [r["workflow_id"] for r in lees]
    sams = (await stack.get("sam", "/api/variances", period=PERIOD)).json()
    assert WORKFLOW_ID not in [r["workflow_id"] for r in sams]
    assert (await stack.get("sam", PATH)).status_code == 404
    opened = (await stack.get("ines", "/api/variances", period=PERIOD, status="open")).json()
    assert WORKFLOW_ID in [r["workflow_id"] for r in opened]


async def test_refused_explanations_and_reviews_name_their_rule(
    stack: e2e.Stack, detected: dict[str, Any]
) -> None:
    await _open(stack)
    explain = f"{PATH}/explain"
    await _refused(
        await stack.post("lee", explain, {"category": "weather", "comment": "a storm"}),
        422,
        "invalid_category",
    )
    await _refused(
        await stack.post("lee", explain, {"category": "price", "comment": ""}),
        422,
        "comment_required",
    )
    await _refused(
        await stack.post("fiona", explain, {"category": "price", "comment": "new rates"}),
        403,
        "not_entitled",
    )
    assert (
        await stack.post("sam", explain, {"category": "price", "comment": "x"})
    ).status_code == 404
    review = await stack.post("fiona", f"{PATH}/review", {"decision": "accept"})
    await _refused(review, 409, "not_waiting")
    assert (await stack.post("lee", f"{PATH}/review", {"decision": "accept"})).status_code == 403


async def test_sent_back_explained_by_a_delegate_then_accepted_by_another_finance_holder(
    stack: e2e.Stack, detected: dict[str, Any]
) -> None:
    await _open(stack)
    first = {"category": "volume", "comment": "new pen-test scope"}
    key = {"Idempotency-Key": f"explain-{uuid.uuid4().hex}"}
    explained = await stack.post("lee", f"{PATH}/explain", first, key)
    assert explained.status_code == 200, explained.text
    assert explained.json()["status"] == "explained"
    resent = await stack.post("lee", f"{PATH}/explain", first, key)
    assert resent.status_code == 200 and resent.json()["status"] == "explained"
    await _refused(
        await stack.post("fiona", f"{PATH}/review", {"decision": "send_back"}),
        422,
        "comment_required",
    )
    note = {"decision": "send_back", "note": "which scope, and is it recurring?"}
    sent_back = await stack.post("fiona", f"{PATH}/review", note)
    assert sent_back.status_code == 200 and sent_back.json()["status"] == "sent_back"

    await _open(stack, "sent_back")
    now = datetime.now(UTC)
    window = {
        "delegate": "fiona",
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
        "cost_centers": ["IT-SEC"],
    }
    made = await stack.post("lee", "/api/delegations", window)
    assert made.status_code == 201, made.text
    try:
        again = {"category": "one_off", "comment": "a one-off red-team exercise, Q3 only"}
        for_lee = await stack.post("fiona", f"{PATH}/explain", again)
        assert for_lee.status_code == 200, for_lee.text
        own = await stack.post("fiona", f"{PATH}/review", {"decision": "accept"})
        await _refused(own, 403, "explainer_may_not_review")
    finally:
        await stack.delete("lee", f"/api/delegations/{made.json()['id']}")
    accepted = await stack.post("felix", f"{PATH}/review", {"decision": "accept"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"

    for _ in range(100):
        row = (await stack.get("fiona", PATH)).json()
        if row["status"] == "accepted":
            break
        await asyncio.sleep(0.2)
    assert [(s["actor"], s["action"], s["category"]) for s in row["history"]] == [
        ("lee", "explained", "volume"),
        ("fiona", "sent_back", None),
        ("fiona", "explained", "one_off"),
        ("felix", "accepted", None),
    ]
