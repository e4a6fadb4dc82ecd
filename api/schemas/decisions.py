"""What a person asks of a running PO (a decision, a cancellation, an answer, a renewal
choice) and the refusal the workflow gives when a rule forbids it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.field_types import Code, MultiLine, SingleLine
from api.schemas.body import RequestBody
from domain.catalog import Decision
from domain.intake import LONG_TEXT
from domain.renewal import RenewalAction


class RefusalOut(BaseModel):
    """A decision, cancellation or answer the workflow refused, and the rule it broke."""

    detail: str
    rule: str


# OpenAPI responses of a route whose refusals come from a workflow validator.
REFUSAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": RefusalOut, "description": "refused by the PO's workflow; `rule` says why"}
    for code in (403, 409, 422)
}


class DecisionIn(RequestBody):
    action: Decision
    comment: MultiLine = Field(default="", max_length=LONG_TEXT)
    forward_to: Code | None = None
    branch: SingleLine | None = Field(default=None, max_length=120)
    extend_hours: int | None = Field(default=None, ge=1)
    extend_minutes: int | None = Field(default=None, ge=1, description="instead of extend_hours")
    on_behalf_of: Code | None = Field(
        default=None, description="Decide for this person under their active delegation to you."
    )

    def extension_minutes(self) -> int | None:
        """The extension asked for, in minutes; None for the tier's own deadline length."""
        if self.extend_minutes is not None:
            return self.extend_minutes
        return self.extend_hours * 60 if self.extend_hours is not None else None


class CancelIn(RequestBody):
    reason: MultiLine = Field(max_length=LONG_TEXT)


class InformationIn(RequestBody):
    answer: MultiLine = Field(max_length=LONG_TEXT)


class RenewalIn(RequestBody):
    action: RenewalAction
    comment: MultiLine = Field(default="", max_length=LONG_TEXT)
    uplift_basis_points: int = Field(default=0, ge=0, le=10_000)
