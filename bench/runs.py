"""The measurements, in order, each repeated; every figure kept as min/median/max."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from temporalio.client import Client

from bench import flows, org
from bench.contention import contend
from bench.cpu import cpu_spent
from bench.footprint import rss_mib, waiting_pos
from bench.inbox import fill_read_model, inbox_latencies
from bench.stack import BARE_QUEUE, BenchStack
from bench.stats import Spread, percentile

CONTENDERS = 100
DRIVER = "driver and simulators"  # this process: the users, the ERP, mail and chat
# The parts whose CPU each kind of run spends (the others stay idle).
POFLOW_PARTS = ("poflow worker", "poflow api", "temporal server", "postgres", DRIVER)
BARE_PARTS = ("bare worker", "temporal server", DRIVER)
INBOX_REQUESTS = 200
Rows = dict[str, list[float]]


@dataclass(frozen=True)
class Plan:
    n: int
    repeats: int
    concurrency: int
    open_pos: int
    workers: int  # poflow worker processes, and as many bare ones

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


async def measure(stack: BenchStack, plan: Plan) -> dict[str, Any]:
    client = await stack.client()
    tokens = org.tokens(stack.sessions)
    center = org.cost_center(stack.sessions, "BENCH-FLOW", 10**14)
    rows: Rows = {}
    for _ in range(plan.repeats):
        with cpu_spent(stack.parts, DRIVER) as bare_cpu:
            bare = await flows.bare_flows(client, BARE_QUEUE, plan.n, plan.concurrency)
        with cpu_spent(stack.parts, DRIVER) as poflow_cpu:
            poflow = await flows.poflow_flows(stack, tokens, center, plan.n, plan.concurrency)
        _add_cpu(rows, "bare wf", bare_cpu, BARE_PARTS, plan.n)
        _add_cpu(rows, "PO", poflow_cpu, POFLOW_PARTS, plan.n)
        _add(rows, "bare workflows/s", bare.per_second)
        _add(rows, "poflow POs/s", poflow.per_second)
        _add(rows, "throughput ratio", poflow.per_second / bare.per_second)
        for q in (50, 95, 99):
            _add(rows, f"bare update p{q} ms", 1000 * percentile(bare.decision_latencies, q))
            _add(rows, f"poflow decision p{q} ms", 1000 * percentile(poflow.decision_latencies, q))
        bare_p99 = percentile(bare.decision_latencies, 99)
        _add(rows, "decision p99 ratio", percentile(poflow.decision_latencies, 99) / bare_p99)
        line = await contend(stack, tokens, CONTENDERS)
        _add(rows, "contention reservations/s", line.reservations_per_second)
        _add(rows, "contention reserved", line.reserved)
        _add(rows, "contention overspent (0/1)", float(line.overspent))
    fill_read_model(stack, plan.open_pos)
    for _ in range(plan.repeats):
        for name, value in inbox_latencies(stack, tokens, INBOX_REQUESTS).items():
            _add(rows, f"inbox {name}", value)
    await _footprint(stack, client, plan, rows)
    return {name: Spread.of(values).as_dict() for name, values in rows.items()}


async def _footprint(stack: BenchStack, client: Client, plan: Plan, rows: Rows) -> None:
    center = org.cost_center(stack.sessions, "BENCH-OPEN", 10**14, owner_name="sam")
    _add(rows, "worker RSS MiB, before", _workers_rss(stack))
    seconds = await waiting_pos(stack, client, center, plan.open_pos)
    _add(rows, "POs/s to reach approval", plan.open_pos / seconds)
    _add(rows, f"worker RSS MiB, {plan.open_pos} waiting", _workers_rss(stack))


def _workers_rss(stack: BenchStack) -> float:
    """The resident memory of all poflow worker processes together."""
    return sum(rss_mib(worker.pid) for worker in stack.workers)


def _add_cpu(
    rows: Rows, unit: str, spent: dict[str, float], parts: tuple[str, ...], count: int
) -> None:
    """CPU milliseconds per PO (or bare workflow), by part of the stack and in all."""
    for part in parts:
        _add(rows, f"CPU ms/{unit}: {part}", 1000 * spent[part] / count)
    _add(rows, f"CPU ms/{unit}: all", 1000 * sum(spent[p] for p in parts) / count)


def _add(rows: Rows, name: str, value: float) -> None:
    rows.setdefault(name, []).append(value)
