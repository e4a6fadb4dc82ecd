"""A PO as the read model shows it: one row of a list, or the full detail."""

from __future__ import annotations

from datetime import date, datetime
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


class ConsumptionMonth(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    month: date = Field(description="The first day of the calendar month of charge.")
    consumed_minor: int = Field(description="What the month's cost lines drew, rounded once.")
    to_date_minor: int = Field(description="What was drawn up to the month's end.")


class PoConsumptionOut(BaseModel):
    """What cost data drew against the PO (lines naming it by tag, or of an account mapped to
    it), per month, in the PO's base currency, beside what it commits."""

    po_number: str
    currency: str
    committed_minor: int
    consumed_minor: int
    left_minor: int = Field(description="Committed less consumed; negative when drawn beyond.")
    months: list[ConsumptionMonth]
