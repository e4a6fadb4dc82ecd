"""A task in someone's inbox that a governance workflow (a document's change control, a tag
remediation) holds open, as the workflow hands it to the activity that shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.chain import Branch, Tier


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


def owner_tier(
    name: str,
    owner: str | None,
    manager: str | None,
    finops: tuple[str, ...],
    deadline: timedelta,
    reminder: timedelta,
) -> Tier:
    """An owner's task as a one-branch tier, so reminders and escalation run on the approvals'
    clock: the owner first (FinOps when there is none), their manager as fallback (FinOps
    without one), FinOps as the last resort; nobody is escalated to themselves."""
    fallback = [manager] if manager else list(finops)
    branch = Branch(
        name="owner",
        eligible=[owner] if owner else list(finops),
        deadline_minutes=int(deadline.total_seconds() // 60),
        reminder_minutes=int(reminder.total_seconds() // 60),
        fallback=[person for person in fallback if person != owner] if owner else [],
        escalation_pool=[person for person in finops if person != owner] if owner else [],
    )
    return Tier(name, [branch])
