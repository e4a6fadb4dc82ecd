"""poflow's own servers down during approvals: Postgres for 20 s, the Temporal server for 10 s,
the ERP past its adapter's retries. Every PO still issues exactly once; meanwhile the API answers
503 with Retry-After, and a decision resent with its Idempotency-Key counts once."""

from __future__ import annotations

import asyncio

import pytest

from tests.api import e2e
from tests.faults.checks import (
    NO_ANSWER,
    all_in,
    approve,
    assert_nothing_lost,
    dead_workflows,
    raise_all,
)
from tests.faults.stack import FaultStack

pytestmark = pytest.mark.slow


async def _pending(faults: FaultStack, count: int, terabytes: int) -> list[str]:
    bodies = [e2e.storage_body(terabytes=terabytes + n) for n in range(count)]
    numbers = await raise_all(faults, bodies)
    await faults.until("every PO waiting", lambda: all_in(faults, numbers, {"pending_approval"}))
    return numbers


async def _approve_until_counted(faults: FaultStack, numbers: list[str], tag: str) -> None:
    """Resend each approval with its key until it is answered 200 (a resend counts once)."""
    for number in numbers:
        await faults.until(
            f"{number}'s approval answered",
            lambda n=number: _answered(faults, n, f"{tag}-{n}"),  # type: ignore[misc]
        )


async def _answered(faults: FaultStack, number: str, key: str) -> bool:
    return await approve(faults, number, "priya", key) == 200


def _not_one_erp_order_each(faults: FaultStack, numbers: list[str]) -> dict[str, int]:
    """The POs the simulated ERP does not hold exactly once, with how many orders it holds."""
    held = {number: len(faults.world.erp.orders_for(number)) for number in numbers}
    return {number: count for number, count in held.items() if count != 1}


async def test_postgres_down_during_approvals_loses_nothing(faults: FaultStack) -> None:
    numbers = await _pending(faults, 10, terabytes=20)
    approvals = asyncio.gather(
        *(approve(faults, number, "priya", f"pg-{number}") for number in numbers)
    )
    await asyncio.sleep(0.3)
    faults.postgres.stop()
    try:
        answers = await approvals
        assert set(answers) <= {200, 503, NO_ANSWER}, answers  # never a 500
        while_down = await faults.http.get(
            f"/api/purchase-orders/{numbers[0]}", headers=faults.auth("ines")
        )
        assert while_down.status_code == 503, while_down.text
        assert while_down.headers["Retry-After"]
        assert while_down.json()["detail"]
        await asyncio.sleep(20)
    finally:
        faults.postgres.start()
    await _approve_until_counted(faults, numbers, "pg")
    await faults.until("every PO issued", lambda: all_in(faults, numbers, {"issued"}), 120)
    await assert_nothing_lost(faults, numbers)
    assert _not_one_erp_order_each(faults, numbers) == {}


async def test_temporal_down_during_approvals_loses_nothing(faults: FaultStack) -> None:
    numbers = await _pending(faults, 5, terabytes=40)
    await faults.temporal_server.stop()
    try:
        refused = await approve(faults, numbers[0], "priya", f"tp-{numbers[0]}")
        assert refused == 503
        still_readable = await faults.http.get(
            f"/api/purchase-orders/{numbers[0]}", headers=faults.auth("ines")
        )
        assert still_readable.json()["status"] == "pending_approval"
        await asyncio.sleep(10)
    finally:
        await faults.temporal_server.start()
    await _approve_until_counted(faults, numbers, "tp")
    await faults.until("every PO issued", lambda: all_in(faults, numbers, {"issued"}), 120)
    await assert_nothing_lost(faults, numbers)
    assert _not_one_erp_order_each(faults, numbers) == {}


async def test_erp_down_holds_the_issue_until_it_is_back(faults: FaultStack) -> None:
    numbers = await _pending(faults, 3, terabytes=60)
    faults.systems_down.add("/erp")
    try:
        await _approve_until_counted(faults, numbers, "erp")
        await asyncio.sleep(12)
        assert await all_in(faults, numbers, {"approved"})
        assert await dead_workflows(faults) == []
    finally:
        faults.systems_down.discard("/erp")
    await faults.until("every PO issued", lambda: all_in(faults, numbers, {"issued"}), 120)
    await assert_nothing_lost(faults, numbers)
    assert _not_one_erp_order_each(faults, numbers) == {}
