"""Tag remediations started, and virtual tags."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.field_types import MultiLine, SingleLine
from api.schemas.body import RequestBody
from domain.costs.governance import VirtualTagMatch


class RemediationsStarted(BaseModel):
    period: str
    owners: list[str]


class VirtualTagIn(RequestBody):
    match: VirtualTagMatch
    match_value: SingleLine = Field(min_length=1, max_length=1000)
    key: SingleLine = Field(min_length=1, max_length=200)
    value: SingleLine = Field(min_length=1, max_length=1000)
    reason: MultiLine = Field(default="", max_length=500)


class VirtualTagOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    match: VirtualTagMatch
    match_value: str
    key: str
    value: str
    reason: str
    created_at: datetime


class VirtualTagRemapped(BaseModel):
    tag_id: int
    periods: list[str]
    reallocated: list[str]
