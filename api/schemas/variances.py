"""Variance investigations: the report's rows, a detection's outcome, an explanation and a
review."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.field_types import MultiLine, SingleLine
from api.schemas.body import RequestBody


class VarianceStep(BaseModel):
    at: str
    actor: str
    action: str
    category: str | None = None
    text: str = ""


class VarianceOut(BaseModel):
    """A line's investigation: its figures in the period (base currency minor units), what it
    breached, where it stands and every explanation and review so far."""

    model_config = ConfigDict(from_attributes=True)

    workflow_id: str
    period: str
    cost_center: str
    gl_account: str
    currency: str
    budget_minor: int
    actual_minor: int
    forecast_minor: int | None
    breached: list[str]
    owner: str
    status: str
    waiting_on: list[str]
    history: list[VarianceStep]
    opened_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: Any) -> VarianceOut:
        return cls.model_validate(row)


class DetectIn(RequestBody):
    period: SingleLine = Field(max_length=7, description="The month, YYYY-MM.")


class DetectedOut(BaseModel):
    period: str
    breaching: list[str]
    started: list[str]


class ExplanationIn(RequestBody):
    category: SingleLine = Field(
        max_length=20, description="timing, volume, price, one_off or error."
    )
    comment: MultiLine = Field(max_length=2000)


class ReviewIn(RequestBody):
    decision: SingleLine = Field(max_length=20, description="accept or send_back.")
    note: MultiLine = Field(default="", max_length=2000)


class VarianceStateOut(BaseModel):
    workflow_id: str
    status: str
    waiting_on: list[str]
