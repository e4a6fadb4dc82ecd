"""Spend anomalies: a finding with its outcome, an owner's answer, a backfill asked for."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from api.field_types import MultiLine
from api.schemas.body import RequestBody
from domain.costs.spend_anomalies import Feedback


class AnomalyOut(BaseModel):
    """A finding: the series (``kind`` account, service, no_owner or no_PO; ``series_key``) and
    its day (a month's first day for no-owner and no-PO spend), what it cost against the
    expected band, in minor units of ``currency``, and where its answer stands."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    series_key: str
    day: date
    source: str | None
    currency: str
    actual_minor: int
    expected_minor: int
    lower_minor: int
    upper_minor: int
    score: float | None
    impact_minor: int
    owner: str | None
    status: str
    waiting_on: list[str]
    feedback: str | None
    explanation: str | None
    answered_by: str | None
    answered_at: datetime | None
    found_at: datetime
    workflow_id: str


class AcknowledgeIn(RequestBody):
    feedback: Feedback
    explanation: MultiLine = Field(min_length=1, max_length=2000)


class DetectionIn(RequestBody):
    first: date
    last: date


class DetectionOut(BaseModel):
    workflow_id: str  # the detection's run, in the Temporal UI
