"""End-to-end throughput and decision latency: N POs through poflow's API (raise, three tiers
decided through the decisions endpoint, issue), against the bare workflow of the same shape
driven by a bare client, both ``concurrency`` at a time on the same Temporal server."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from temporalio.client import Client

from bench import org
from bench.bare import run_order
from bench.mail_watch import WatchedInbox
from bench.stack import BenchStack

# Who decides each tier of a three-tier PO, and what they say.
DECIDERS = (("priya", None), ("tom", None), ("fiona", "within the benchmark's budget"))


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
    stack: BenchStack, tokens: dict[str, str], center: str, count: int, concurrency: int
) -> FlowRun:
    run = FlowRun()
    tag = uuid.uuid4().hex[:6]
    limits = httpx.Limits(max_connections=concurrency * 2)
    stack.inbox.watch_from(asyncio.get_running_loop())
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=120, limits=limits) as http:
        po = PoDriver(http, stack.inbox, tokens, run.decision_latencies)

        async def one(index: int) -> None:
            await po.through(org.subscription(center, org.THREE_TIER_PRICE, f"{tag}-{index}"))
            run.done += 1

        run.seconds = await at_concurrency(count, concurrency, one)
    return run


@dataclass
class PoDriver:
    http: httpx.AsyncClient
    inbox: WatchedInbox
    tokens: dict[str, str]
    latencies: list[float]

    async def through(self, body: dict[str, Any]) -> None:
        """Raise the PO as alex; each approver decides when the mail asking them arrives; done
        when alex is mailed that it is issued."""
        response = await self.http.post("/api/requisitions", json=body, headers=self.auth("alex"))
        response.raise_for_status()
        number = response.json()["po_number"]
        for person, comment in DECIDERS:
            await self.inbox.arrival("approval_requested", number, person)
            await self.decide(number, person, comment)
        await self.inbox.arrival("issued", number, "alex")

    async def decide(self, number: str, person: str, comment: str | None) -> None:
        body = {"action": "approve", **({"comment": comment} if comment else {})}
        started = time.perf_counter()
        response = await self.http.post(
            f"/api/purchase-orders/{number}/decisions", json=body, headers=self.auth(person)
        )
        self.latencies.append(time.perf_counter() - started)
        response.raise_for_status()

    def auth(self, person: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[person]}"}
