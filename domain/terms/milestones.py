"""A deliverable of a professional-services PO: what, by when, and how it is accepted."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Milestone:
    """Due within the PO's service period; accepted when each criterion ("documentation",
    "knowledge transfer") is met."""

    name: str
    due: date
    acceptance_criteria: tuple[str, ...] = ()


def milestone_key(name: str) -> str:
    """A milestone's name as the PO's people may type it: case and surrounding spaces aside."""
    return name.strip().casefold()
