"""Approval-policy versions: an upload and what is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.body import RequestBody


class PolicyIn(RequestBody):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=120)
    document: dict[str, Any]
    note: str = Field(default="", max_length=500)


class PolicySummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    version: int
    note: str
    created_at: datetime


class PolicyVersion(PolicySummary):
    document: dict[str, Any]


class PolicyCreated(BaseModel):
    name: str
    version: int
