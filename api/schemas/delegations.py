"""Out-of-office delegations: one asked for, and one as stored."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from api.field_types import MoneyText
from api.schemas.body import RequestBody


class DelegationIn(RequestBody):
    delegate: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    cost_centers: list[str] = Field(default=[], description="Empty: every cost center.")
    max_amount_base: MoneyText | None = Field(
        default=None, description='Up to this amount in the base currency ("25000.00"); none: any.'
    )

    @model_validator(mode="after")
    def _ends_after_start(self) -> DelegationIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class DelegationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    delegator: str
    delegate: str
    starts_at: datetime
    ends_at: datetime
    cost_centers: list[str]
    max_amount_base_minor: int | None
    revoked_at: datetime | None
    active: bool
