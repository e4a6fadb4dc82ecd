"""End-to-end throughput and decision latency: N POs through poflow's API (raise, three tiers
decided through the decisions endpoint, issue), against the bare workflow of the same shape
driven by a bare client, both ``concurrency`` at a time on the same Temporal server."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
from temporalio.client import Client

from bench import org
from bench.bare import run_order

# Who decides each tier of a three-tier PO, and what they say.
DECIDERS = (("priya", None), ("tom", None), ("fiona", "within the benchmark's budget"))
POLL_SECONDS = 0.1
PATIENCE_SECONDS = 300


@dataclass
class FlowRun:
    done: int = 0
    seconds: float = 0.0
    decision_latencies: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.done / self.seconds


async def at_concurrency(
    count: int, concurrency: int, one: Callable[[int], Awaitable[None]]
) -> float:
    """Run ``one(i)`` for i < count, ``concurrency`` at a time; the seconds it took."""
    gate = asyncio.Semaphore(concurrency)

    async def gated(index: int) -> None:
        async with gate:
            await one(index)

    started = time.perf_counter()
    await asyncio.gather(*(gated(i) for i in range(count)))
    return time.perf_counter() - started


async def bare_flows(client: Client, queue: str, count: int, concurrency: int) -> FlowRun:
    run = FlowRun()
    tag = uuid.uuid4().hex[:6]

    async def one(index: int) -> None:
        await run_order(client, queue, f"bare-{tag}-{index}", run.decision_latencies)
        run.done += 1

    run.seconds = await at_concurrency(count, concurrency, one)
    return run


async def poflow_flows(
    api_url: str, tokens: dict[str, str], center: str, count: int, concurrency: int
) -> FlowRun:
    run = FlowRun()
    tag = uuid.uuid4().hex[:6]
    limits = httpx.Limits(max_connections=concurrency * 2)
    async with httpx.AsyncClient(base_url=api_url, timeout=120, limits=limits) as http:
        po = PoDriver(http, tokens, run.decision_latencies)

        async def one(index: int) -> None:
            await po.through(org.subscription(center, org.THREE_TIER_PRICE, f"{tag}-{index}"))
            run.done += 1

        run.seconds = await at_concurrency(count, concurrency, one)
    return run


@dataclass
class PoDriver:
    http: httpx.AsyncClient
    tokens: dict[str, str]
    latencies: list[float]

    async def through(self, body: dict[str, Any]) -> None:
        """Raise the PO as alex, decide each tier as it opens, wait until it is issued."""
        response = await self.http.post("/api/requisitions", json=body, headers=self.auth("alex"))
        response.raise_for_status()
        number = response.json()["po_number"]
        for person, comment in DECIDERS:
            await self.until(number, partial(_waits_on, person))
            await self.decide(number, person, comment)
        await self.until(number, lambda po: po["status"] == "issued")

    async def decide(self, number: str, person: str, comment: str | None) -> None:
        body = {"action": "approve", **({"comment": comment} if comment else {})}
        started = time.perf_counter()
        response = await self.http.post(
            f"/api/purchase-orders/{number}/decisions", json=body, headers=self.auth(person)
        )
        self.latencies.append(time.perf_counter() - started)
        response.raise_for_status()

    async def until(self, number: str, ready: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        deadline = time.monotonic() + PATIENCE_SECONDS
        while time.monotonic() < deadline:
            path = f"/api/purchase-orders/{number}"
            response = await self.http.get(path, headers=self.auth("ines"))
            po: dict[str, Any] = response.json() if response.status_code == 200 else {}
            if po and ready(po):
                return po
            await asyncio.sleep(POLL_SECONDS)
        raise TimeoutError(f"{number} did not get there in {PATIENCE_SECONDS}s")

    def auth(self, person: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[person]}"}


def _waits_on(person: str, po: dict[str, Any]) -> bool:
    return person in po["current_approvers"]
