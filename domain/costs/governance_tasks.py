"""A task in someone's inbox that a governance workflow (a document's change control, a tag
remediation) holds open, as the workflow hands it to the activity that shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class GovernanceTask:
    """A task in someone's inbox that a governance workflow holds open: whom it waits on, until
    when, and where to act on it. ``outcome`` is set once it closed."""

    workflow_id: str
    kind: str
    title: str
    link: str
    waiting_on: tuple[str, ...]
    deadline: datetime | None
    opened_at: datetime
    outcome: str | None = None
    facts: dict[str, object] = field(default_factory=dict)
