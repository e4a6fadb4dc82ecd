"""The answer to a decision: what it did and where the PO stands after it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from domain.catalog import Decision, PoStatus
from domain.decision_outcome import DecisionOutcome, Outcome


class NextStepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    tier: str = Field(description="The tier the PO now waits in.")
    awaits: str = Field(
        description="`decision` from the approvers, or `answer` from the requester to a question."
    )
    waiting_on: list[str] = Field(description="Who may act now.")


class DecisionOut(BaseModel):
    """What the decision did, and the PO's status once the workflow has taken it in."""

    model_config = ConfigDict(from_attributes=True)

    po_number: str
    decision: Decision
    tier: str = Field(description="The tier decided.")
    branch: str = Field(description="The branch decided (the tier's name in a one-branch tier).")
    actor: str
    on_behalf_of: str | None = Field(description="The delegator, for a decision under delegation.")
    outcome: Outcome = Field(
        description="approval_recorded (more approvers needed in the branch), branch_approved "
        "(the tier waits on its other branches), tier_approved (the next tier is open), "
        "po_approved (every tier approved; the PO goes on to issue), rejected, "
        "information_requested, forwarded, deadline_extended."
    )
    status: PoStatus = Field(description="The PO's status after the decision.")
    next: NextStepOut | None = Field(
        description="Whom the PO waits on now; null once it no longer waits on a person."
    )

    @classmethod
    def of(cls, outcome: DecisionOutcome) -> DecisionOut:
        return cls.model_validate(outcome)
