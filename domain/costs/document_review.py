"""Change control of governed cost documents: a proposed version waits on the approvers the
approval policy names (``Policy.cost_document_tiers``) and takes effect once they approve it.
These are the payloads its workflow, its activities and its callers exchange, and the rules its
decision Update checks before anything is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.catalog import Decision
from domain.chain import ApprovalState, Tier
from domain.entitlement import DecisionRequest, Refusal, refusal

# The decisions a reviewer takes on a document; the others (forward, ask, extend) are the PO's.
REVIEW_ACTIONS = (Decision.APPROVE, Decision.REJECT)
# The kind of inbox task a review holds open.
REVIEW_TASK = "cost_document_review"


class ReviewStatus(StrEnum):
    ROUTING = "routing"
    NEEDS_REVIEWER = "needs_reviewer"  # nobody but the author may review it: routed again later
    WAITING = "waiting"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # a newer version went in force first


@dataclass(frozen=True)
class DocumentReviewStart:
    """A version just proposed, and who proposed it."""

    kind: str
    version: int
    author: str


@dataclass
class DocumentReviewView:
    """The review as its workflow holds it, for the query, the Update's answer and the task."""

    kind: str
    version: int
    author: str
    status: ReviewStatus = ReviewStatus.ROUTING
    approval: ApprovalState | None = None
    decided_by: str | None = None
    comment: str = ""

    @property
    def title(self) -> str:
        return f"{self.kind} v{self.version}"

    def waiting_on(self) -> list[str]:
        tier = self.approval.tier_now() if self.approval else None
        people = [p for branch in tier.branches for p in branch.waiting_on()] if tier else []
        return list(dict.fromkeys(people))

    def deadline(self) -> datetime | None:
        tier = self.approval.tier_now() if self.approval else None
        deadlines = [b.deadline_at for b in tier.branches if b.deadline_at] if tier else []
        return min(deadlines, default=None)


@dataclass(frozen=True)
class ReviewSuperseded:
    """A newer version of the kind went in force: the review of an older one closes undecided."""

    version: int
    approved_by: str


@dataclass(frozen=True)
class DocumentVerdict:
    """What the review decided, for the activity that puts the version in force or rejects it."""

    kind: str
    version: int
    decider: str
    approve: bool
    comment: str


def review_workflow_id(kind: str, version: int) -> str:
    """One review per proposed version."""
    return f"cost-document-{kind}-v{version}"


def review_link(kind: str, version: int) -> str:
    """The page where a reviewer reads the proposal and decides."""
    return f"/costs/documents/{kind}/versions/{version}"


def review_refusal(
    view: DocumentReviewView, request: DecisionRequest, now: datetime
) -> Refusal | None:
    """The first rule a decision on the review breaks: the author never decides their own
    change, whatever role they hold; only approve and reject are taken; then the approval
    chain's own entitlement and segregation rules."""
    if view.status is not ReviewStatus.WAITING or view.approval is None:
        return Refusal("not_waiting", f"{view.title} is not waiting for a decision")
    if view.author in (request.actor, request.principal):
        return Refusal(
            "author_may_not_decide",
            f"{view.author} proposed {view.title}: the author of a change may not decide it",
        )
    if request.action not in REVIEW_ACTIONS:
        return Refusal("invalid_action", "a document change is approved or rejected")
    return refusal(view.approval, request, now)


def review_tiers_state(author: str, tiers: list[Tier]) -> ApprovalState:
    """The approval chain of a review: the author stands where a PO's requester does."""
    return ApprovalState(
        requester=author, cost_center="", amount_base_minor=0, tiers=tiers, waiting=True
    )
