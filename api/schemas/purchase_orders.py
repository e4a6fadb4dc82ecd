"""A PO as the read model shows it: one row of a list, or the full detail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.catalog import PoStatus


class PoSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    po_number: str
    title: str
    status: PoStatus
    requester: str
    cost_center: str
    vendor: str
    amount_minor: int
    currency: str
    amount_base_minor: int
    base_currency: str
    is_emergency: bool
    current_tier: str | None
    current_approvers: list[str]
    tier_deadline: datetime | None
    policy_version: int | None
    created_at: datetime
    updated_at: datetime


class PoDetail(PoSummary):
    detail: dict[str, Any] = Field(description="The PO as its workflow last projected it.")
