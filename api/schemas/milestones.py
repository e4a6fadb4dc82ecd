"""A delivered milestone's acceptance or rejection, and where each milestone of a PO stands."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.field_types import MultiLine, SingleLine
from api.schemas.body import RequestBody
from domain.intake import LINE_TEXT, LONG_TEXT
from domain.milestone_acceptance import AcceptanceSide, MilestoneState, MilestoneVerdict
from domain.terms.limits import MAX_ENTRIES


class CriterionIn(RequestBody):
    criterion: SingleLine = Field(max_length=LINE_TEXT, description="As the milestone names it.")
    met: bool


class MilestoneDecisionIn(RequestBody):
    verdict: MilestoneVerdict
    comment: MultiLine = Field(default="", max_length=LONG_TEXT, description="Required to reject.")
    criteria: list[CriterionIn] = Field(default_factory=list, max_length=MAX_ENTRIES)


class MilestoneDecisionOut(BaseModel):
    number: int
    side: AcceptanceSide
    verdict: MilestoneVerdict
    actor: str
    decided_at: datetime
    comment: str
    criteria: dict[str, bool] = Field(description="Each criterion judged: met or not.")


class MilestoneOut(BaseModel):
    name: str
    due: date
    acceptance_criteria: list[str]
    state: MilestoneState
    delivered_on: date | None = Field(description="The latest delivery's day (its receipt).")
    delivery_receipt: int | None = Field(description="The number of that receipt.")
    decisions: list[MilestoneDecisionOut] = Field(description="Taken on the latest delivery.")


class MilestonesOut(BaseModel):
    po_number: str
    milestones: list[MilestoneOut]
