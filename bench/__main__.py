"""``python -m bench``: start a stack of its own, measure poflow against bare Temporal on the same
server, print a table and write a JSON file. ``--quick`` is a smoke run with small numbers."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path

from bench.report import machine, table
from bench.runs import Plan, measure
from bench.stack import bench_stack


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--n", type=int, default=500, help="POs (and bare workflows) per repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--open-pos", type=int, default=10_000, help="for the inbox and footprint")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="poflow worker processes, and as many bare ones",
    )
    parser.add_argument("--quick", action="store_true", help="n=40, 1 repeat, 300 open POs")
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"))
    parser.add_argument(
        "--folder", type=Path, help="keep the servers' data and logs here (else a temporary one)"
    )
    options = parser.parse_args()
    # Stopped with SIGTERM, the bench still stops the servers it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plan = Plan(options.n, options.repeats, options.concurrency, options.open_pos, options.workers)
    if options.quick:
        plan = Plan(40, 1, options.concurrency, 300, options.workers)
    with bench_stack(options.folder, plan.workers) as stack:
        figures = asyncio.run(measure(stack, plan))
    result = {"machine": machine(), "plan": plan.as_dict(), "figures": figures}
    options.out.write_text(json.dumps(result, indent=2))
    print(table(result))
    print(f"\nwritten to {options.out}")


if __name__ == "__main__":
    main()
