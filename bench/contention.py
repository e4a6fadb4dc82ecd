"""Budget contention: many requisitions at once against one budget line that holds only half of
them, under a policy that refuses going over budget. The ledger's line lock must let exactly as
many through as the line holds, and no more."""

from __future__ import annotations

import asyncio
import copy
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from bench import org
from bench.stack import BenchStack
from cli.demo_data import POLICY_DOCUMENT
from models import CostCenter, LedgerEntry
from models.db import unit_of_work

PRICE_MINOR = 100_000  # 1,000.00 EUR each
SETTLED = ("pending_approval", "refused")


@dataclass(frozen=True)
class Contention:
    requisitions: int
    reserved: int
    refused: int
    reservations_per_second: float
    budget_minor: int
    held_minor: int  # reserved + committed + actual on the line at the end

    @property
    def overspent(self) -> bool:
        return self.held_minor > self.budget_minor


async def contend(stack: BenchStack, tokens: dict[str, str], requisitions: int) -> Contention:
    fits = requisitions // 2
    center = org.cost_center(
        stack.sessions, f"BENCH-LINE-{time.time_ns() % 10**6}", fits * PRICE_MINOR
    )
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=120) as http:
        await _policy(http, tokens, over_budget="refuse")
        try:
            started = time.perf_counter()
            numbers = await asyncio.gather(
                *(_raise(http, tokens, center, i) for i in range(requisitions))
            )
            statuses = await asyncio.gather(*(_settled(http, tokens, n) for n in numbers))
            seconds = time.perf_counter() - started
        finally:
            await _policy(http, tokens, over_budget="route")
    reserved = statuses.count("pending_approval")
    return Contention(
        requisitions,
        reserved,
        statuses.count("refused"),
        reserved / seconds,
        fits * PRICE_MINOR,
        _held(stack, center),
    )


def _body(center: str, index: int) -> dict[str, Any]:
    body = org.subscription(center, "1000.00", f"line-{index}")
    day = (date.today() + timedelta(days=2)).isoformat()
    body["lines"][0] |= {"service_start": day, "service_end": day}  # one day: one period
    return body


async def _raise(http: httpx.AsyncClient, tokens: dict[str, str], center: str, index: int) -> str:
    response = await http.post(
        "/api/requisitions", json=_body(center, index), headers=_auth(tokens, "alex")
    )
    response.raise_for_status()
    number: str = response.json()["po_number"]
    return number


async def _settled(http: httpx.AsyncClient, tokens: dict[str, str], number: str) -> str:
    for _ in range(1200):
        response = await http.get(f"/api/purchase-orders/{number}", headers=_auth(tokens, "ines"))
        if response.status_code == 200 and (status := response.json()["status"]) in SETTLED:
            return str(status)
        await asyncio.sleep(0.25)
    raise TimeoutError(f"{number} never reserved nor refused")


async def _policy(http: httpx.AsyncClient, tokens: dict[str, str], over_budget: str) -> None:
    document = copy.deepcopy(POLICY_DOCUMENT) | {"over_budget": over_budget}
    body = {"name": "it-purchasing", "document": document, "note": f"bench: {over_budget}"}
    response = await http.post("/api/policies", json=body, headers=_auth(tokens, "maria"))
    response.raise_for_status()


def _held(stack: BenchStack, center: str) -> int:
    with unit_of_work(stack.sessions) as session:
        center_id = session.scalar(select(CostCenter.id).where(CostCenter.code == center))
        held = session.scalar(
            select(
                func.coalesce(
                    func.sum(
                        LedgerEntry.reserved_delta_minor
                        + LedgerEntry.committed_delta_minor
                        + LedgerEntry.actual_delta_minor
                    ),
                    0,
                )
            ).where(LedgerEntry.cost_center_id == center_id)
        )
    return int(held or 0)


def _auth(tokens: dict[str, str], person: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[person]}"}
