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


class Inbox(BaseModel):
    items: list[InboxItem]
    recently_decided: list[RecentDecision]
