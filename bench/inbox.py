"""The inbox at scale: the read model holds many open POs, spread over a hundred approvers, one
in a hundred waiting on priya; how long her inbox takes through the JSON API and as a page."""

from __future__ import annotations

import copy
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, select

from bench.stack import BenchStack
from bench.stats import percentile
from models import PurchaseOrder
from models.db import unit_of_work

APPROVER = "priya"
OTHERS = 99
BATCH = 1_000


def fill_read_model(stack: BenchStack, open_pos: int) -> int:
    """Copy an issued PO's projection into ``open_pos`` open ones; how many wait on priya."""
    with unit_of_work(stack.sessions) as session:
        model = session.scalars(select(PurchaseOrder).limit(1)).one()
        row = {c.name: getattr(model, c.key) for c in PurchaseOrder.__table__.columns}
    tag = uuid.uuid4().hex[:6]
    mine = 0
    for start in range(0, open_pos, BATCH):
        rows = [_open_copy(row, tag, i) for i in range(start, min(start + BATCH, open_pos))]
        mine += sum(APPROVER in r["current_approvers"] for r in rows)
        with unit_of_work(stack.sessions) as session:
            session.execute(insert(PurchaseOrder), rows)
    return mine


def _open_copy(row: dict[str, Any], tag: str, index: int) -> dict[str, Any]:
    number = f"PO-B{tag}-{index}"
    approver = APPROVER if index % (OTHERS + 1) == 0 else f"approver-{index % OTHERS}"
    detail = copy.deepcopy(row["detail"]) | {"po_number": number, "status": "pending_approval"}
    deadline = datetime.now(UTC) + timedelta(hours=index % 96 - 24)
    return row | {
        "po_number": number,
        "workflow_id": f"po-{number}",
        "status": "pending_approval",
        "current_tier": "cost-center owner",
        "current_approvers": [approver],
        "tier_deadline": deadline,
        "erp_reference": None,
        "detail": detail,
    }


def inbox_latencies(stack: BenchStack, tokens: dict[str, str], requests: int) -> dict[str, float]:
    """p50/p99 of ``GET /api/inbox`` and of the inbox page for priya, in milliseconds."""
    with httpx.Client(base_url=stack.api_url, timeout=30) as api:
        headers = {"Authorization": f"Bearer {tokens[APPROVER]}"}
        items = len(api.get("/api/inbox", headers=headers).json()["items"])
        api_times = _timed(requests, lambda: api.get("/api/inbox", headers=headers))
    with httpx.Client(base_url=stack.api_url, timeout=30) as page:
        _sign_in(page, APPROVER)
        page_times = _timed(requests, lambda: page.get("/inbox"))
    return {
        "inbox items": float(items),
        "api p50 ms": 1000 * percentile(api_times, 50),
        "api p99 ms": 1000 * percentile(api_times, 99),
        "page p50 ms": 1000 * percentile(page_times, 50),
        "page p99 ms": 1000 * percentile(page_times, 99),
    }


def _timed(requests: int, call: Any) -> list[float]:
    call()  # warm
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = call()
        times.append(time.perf_counter() - started)
        response.raise_for_status()
    return times


def _sign_in(client: httpx.Client, username: str) -> None:
    login = client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert found is not None
    form = {"username": username, "password": "demo", "csrf_token": found.group(1)}
    response = client.post("/login", data=form)
    if response.status_code != 303:
        raise RuntimeError(f"signing in as {username} failed: {response.status_code}")
