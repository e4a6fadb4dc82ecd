"""The CPU time each part of the stack spends while a measurement runs, read from ``/proc``: on
a machine the whole stack shares, it tells where a PO's cost goes and which part bounds the
ratio. Each part is one or more processes with their descendants (Postgres's backends, say); a
descendant that ends is counted through its parent's ``cutime``."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> tuple[dict[int, int], dict[int, float]]:
    """Each process's parent, and its CPU seconds with those of its ended children."""
    parents: dict[int, int] = {}
    seconds: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        fields = stat[stat.rfind(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        seconds[pid] = sum(int(value) for value in fields[11:15]) / TICKS
    return parents, seconds


def cpu_seconds(parts: Mapping[str, Sequence[int]], own: str) -> dict[str, float]:
    """CPU seconds so far of each part (root pids and their descendants); ``own`` names this
    process, counted without its descendants (the other parts)."""
    parents, seconds = _processes()
    children: dict[int, list[int]] = defaultdict(list)
    for pid, parent in parents.items():
        children[parent].append(pid)
    totals = {
        name: sum(_tree(root, children, seconds) for root in roots) for name, roots in parts.items()
    }
    totals[own] = seconds.get(os.getpid(), 0.0)
    return totals


def _tree(root: int, children: Mapping[int, list[int]], seconds: Mapping[int, float]) -> float:
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += seconds.get(pid, 0.0)
        stack.extend(children.get(pid, ()))
    return total


@contextmanager
def cpu_spent(parts: Mapping[str, Sequence[int]], own: str) -> Iterator[dict[str, float]]:
    """Yields a dict that holds, once the block ends, each part's CPU seconds spent in it."""
    spent: dict[str, float] = {}
    before = cpu_seconds(parts, own)
    yield spent
    after = cpu_seconds(parts, own)
    spent.update({name: after[name] - before[name] for name in after})
