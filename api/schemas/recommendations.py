"""Optimisation recommendations and quarterly business reviews: what the API answers and takes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from api.field_types import MultiLine
from api.params import BIGINT_MAX
from api.schemas.body import RequestBody
from domain.costs.recommendations import RecommendationStatus


class RecommendationOut(BaseModel):
    """A recommendation: its kind (``unused_commitment``, ``idle_resource``, ``no_owner``), the
    resource and month it was found in, the month's cost and estimated saving, and where it
    stands, in minor units of ``currency``; ``owner`` None means FinOps."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    resource_id: str
    period: date
    billing_account_id: str | None
    service_name: str | None
    currency: str
    cost_minor: int
    estimated_saving_minor: int | None
    owner: str | None
    status: str
    realised_saving_minor: int | None
    reason: str | None
    detected_at: datetime
    changed_at: datetime | None
    changed_by: str | None


class StatusIn(RequestBody):
    """``accepted``, ``done`` (with the saving realised in minor units, or none to measure it
    from a later month's cost) or ``dismissed`` (with its reason)."""

    status: RecommendationStatus
    realised_saving_minor: int | None = Field(default=None, ge=0, le=BIGINT_MAX)
    reason: MultiLine = Field(default="", max_length=2000)


class DetectIn(RequestBody):
    period: str = Field(pattern=r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$", description="YYYY-MM")


class DetectedOut(BaseModel):
    period: date
    found: int
    new: int


class UnitCostMonthOut(BaseModel):
    month: date
    unit: str | None
    quantity: Decimal | None
    effective: Decimal | None
    per_unit: Decimal | None


class BudgetMonthOut(BaseModel):
    month: date
    budget_minor: int
    actual_minor: int


class ReviewOut(BaseModel):
    """A service's quarter: unit cost per month (this quarter and the one before, in
    ``currency``), its provider cost center's budget against actual per month (base currency
    minor units), and savings realised per currency (minor units)."""

    service: str
    name: str
    quarter: str
    cost_center: str
    currency: str
    unit_costs: list[UnitCostMonthOut]
    budget: list[BudgetMonthOut]
    realised_minor: dict[str, int]
