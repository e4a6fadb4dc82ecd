"""Request and response bodies of approving several low-risk POs at once."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.field_types import Code, MultiLine
from api.schemas.body import RequestBody
from domain.intake import LONG_TEXT

MAX_BULK = 100


class BulkApprovalIn(RequestBody):
    po_numbers: list[Code] = Field(
        min_length=1,
        max_length=MAX_BULK,
        description="The POs to approve; each must wait on you and be low-risk by its policy.",
    )
    comment: MultiLine = Field(default="", max_length=LONG_TEXT)


class BulkRefusalOut(BaseModel):
    po_number: str
    rule: str = Field(
        description="not_waiting_on_you, not_low_risk, or the rule the PO's workflow refused with"
    )
    reason: str


class BulkApprovalOut(BaseModel):
    approved: list[str] = Field(description="Approved, in the order asked.")
    refused: list[BulkRefusalOut] = Field(description="Not approved, each with why.")
