"""What waits on a person and what they decided lately."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from domain.catalog import Decision


class InboxItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    po_number: str
    title: str
    amount_minor: int
    currency: str
    amount_base_minor: int
    base_currency: str
    requester: str
    cost_center: str
    tier: str | None
    deadline: datetime | None
    overdue: bool
    on_behalf_of: str | None


class RecentDecision(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    po_number: str
    title: str
    tier: str
    decision: Decision
    comment: str
    decided_at: datetime
    on_behalf_of: str | None


class TaskItem(BaseModel):
    """A governance task waiting on the caller: a cost document's review, a tag remediation."""

    model_config = ConfigDict(from_attributes=True)

    workflow_id: str
    kind: str
    title: str
    link: str
    deadline: datetime | None
    opened_at: datetime


class Inbox(BaseModel):
    items: list[InboxItem]
    recently_decided: list[RecentDecision]
    tasks: list[TaskItem] = []
