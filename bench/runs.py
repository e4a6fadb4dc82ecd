"""The measurements, in order, each repeated; every figure kept as min/median/max."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bench import flows, org
from bench.stack import BARE_QUEUE, BenchStack
from bench.stats import Spread, percentile


@dataclass(frozen=True)
class Plan:
    n: int
    repeats: int
    concurrency: int
    open_pos: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


async def measure(stack: BenchStack, plan: Plan) -> dict[str, Any]:
    client = await stack.client()
    tokens = org.tokens(stack.sessions)
    center = org.cost_center(stack.sessions, "BENCH-FLOW", 10**14)
    rows: dict[str, list[float]] = {}
    for _ in range(plan.repeats):
        bare = await flows.bare_flows(client, BARE_QUEUE, plan.n, plan.concurrency)
        poflow = await flows.poflow_flows(stack, tokens, center, plan.n, plan.concurrency)
        _add(rows, "bare workflows/s", bare.per_second)
        _add(rows, "poflow POs/s", poflow.per_second)
        _add(rows, "throughput ratio", poflow.per_second / bare.per_second)
        for q in (50, 95, 99):
            _add(rows, f"bare update p{q} ms", 1000 * percentile(bare.decision_latencies, q))
            _add(rows, f"poflow decision p{q} ms", 1000 * percentile(poflow.decision_latencies, q))
        bare_p99 = percentile(bare.decision_latencies, 99)
        _add(rows, "decision p99 ratio", percentile(poflow.decision_latencies, 99) / bare_p99)
    return {name: Spread.of(values).as_dict() for name, values in rows.items()}


def _add(rows: dict[str, list[float]], name: str, value: float) -> None:
    rows.setdefault(name, []).append(value)
