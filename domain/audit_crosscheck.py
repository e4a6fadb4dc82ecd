"""A PO's audit entries against what its workflow recorded.

The workflow numbers its events 1, 2, 3, ... and each is projected to the trail under the key
``<workflow id>:<number>``; it also keeps every decision taken. So the trail must hold exactly
the numbers up to the workflow's count, and its decision entries must be the workflow's
decisions (who, what, when): a deleted or invented entry, or a decision whose actor was
rewritten (even with the chain's hashes recomputed), shows up here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.chain import DecisionRecord


@dataclass(frozen=True)
class TrailEntry:
    """An audit entry of one workflow: its trail sequence, key, actor, action and ``after``."""

    sequence: int
    idempotency_key: str
    actor: str
    action: str
    after: dict[str, Any] | None


Decided = tuple[str, str, str]  # actor, action, when (ISO 8601)


def workflow_discrepancies(
    workflow_id: str,
    recorded_events: int,
    decisions: Sequence[DecisionRecord],
    entries: Sequence[TrailEntry],
) -> list[str]:
    """What the trail misses or holds beyond the workflow's ``recorded_events`` and
    ``decisions``; empty when they agree."""
    found: list[str] = []
    numbers = {e.sequence: _change_number(workflow_id, e.idempotency_key) for e in entries}
    missing = [n for n in range(1, recorded_events + 1) if n not in numbers.values()]
    if missing:
        found.append(
            f"{workflow_id}: changes {_ranges(missing)} of the {recorded_events} the workflow "
            "recorded have no audit entry"
        )
    for entry in sorted(entries, key=lambda e: e.sequence):
        number = numbers[entry.sequence]
        if number is None or number > recorded_events:
            found.append(
                f"{workflow_id}: entry {entry.sequence} ({entry.action} by {entry.actor}) is not "
                f"a change the workflow recorded (it recorded {recorded_events})"
            )
    held = Counter((d.actor, f"decision.{d.action.value}", d.at.isoformat()) for d in decisions)
    trail = Counter(decided for e in entries if (decided := _decided(e)) is not None)
    for actor, action, at in sorted((held - trail).elements()):
        found.append(f"{workflow_id}: {actor}'s {action} at {at} has no audit entry")
    for actor, action, at in sorted((trail - held).elements()):
        found.append(
            f"{workflow_id}: the trail records {actor}'s {action} at {at}, "
            "which the workflow never took"
        )
    return found


def _change_number(workflow_id: str, key: str) -> int | None:
    prefix, _, number = key.rpartition(":")
    return int(number) if prefix == workflow_id and number.isdigit() else None


def _decided(entry: TrailEntry) -> Decided | None:
    decision = (entry.after or {}).get("decision")
    if not isinstance(decision, dict):
        return None
    return entry.actor, entry.action, str(decision.get("at"))


def _ranges(numbers: list[int]) -> str:
    spans: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        spans.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    return ", ".join(spans)
