"""A variance investigation (docs/variances.md): one run per budget line and period whose
variance breaches the approval policy's thresholds. The cost-center owner explains it (a
category and a comment), finance accepts the explanation or sends it back. These are the
payloads its workflow, its activities and its callers exchange, and the rules its Updates'
validators apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.chain import Branch, Tier
from domain.entitlement import Refusal

VARIANCE_TASK = "variance_investigation"


class VarianceCategory(StrEnum):
    TIMING = "timing"
    VOLUME = "volume"
    PRICE = "price"
    ONE_OFF = "one_off"
    ERROR = "error"


class VarianceStatus(StrEnum):
    OPEN = "open"  # waits on the owner's explanation
    EXPLAINED = "explained"  # waits on finance's review
    SENT_BACK = "sent_back"  # finance wants a better explanation: waits on the owner again
    ACCEPTED = "accepted"


class ReviewDecision(StrEnum):
    ACCEPT = "accept"
    SEND_BACK = "send_back"


# The owner answers these; finance answers an explained one.
OWNER_ANSWERS = (VarianceStatus.OPEN, VarianceStatus.SENT_BACK)


@dataclass(frozen=True)
class VarianceStart:
    """A line breaching the thresholds in ``period`` (``YYYY-MM``), its figures for the period
    (base currency minor units) and the policy's clock for the owner's task."""

    period: str
    cost_center: str
    gl_account: str
    currency: str
    budget_minor: int
    actual_minor: int
    forecast_minor: int | None
    breached: tuple[str, ...]
    deadline_minutes: int = 5 * 24 * 60
    reminder_minutes: int = 2 * 24 * 60


@dataclass(frozen=True)
class VarianceParties:
    """Who answers: the cost center's owner, their manager (the first escalation), the finance
    role's holders (who review, and the last escalation)."""

    owner: str
    manager: str | None
    finance: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    """The owner's explanation; ``for_owner`` names the owner when a delegate of theirs sends it
    (the caller checked the delegation)."""

    actor: str
    category: str
    comment: str
    for_owner: str | None = None


@dataclass(frozen=True)
class VarianceReview:
    actor: str
    decision: str
    note: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    """One step of the investigation: an explanation, or finance's review of it."""

    at: str  # ISO 8601
    actor: str
    action: str  # explained, accepted, sent_back
    category: str | None = None
    text: str = ""


@dataclass
class VarianceView:
    start: VarianceStart
    owner: str = ""
    status: VarianceStatus = VarianceStatus.OPEN
    waiting_on: list[str] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def title(self) -> str:
        s = self.start
        return f"variance of {s.cost_center}/{s.gl_account} in {s.period}"

    def last_explainer(self) -> str | None:
        explained = [entry.actor for entry in self.history if entry.action == "explained"]
        return explained[-1] if explained else None


def variance_workflow_id(period: str, cost_center: str, gl_account: str) -> str:
    return f"variance-{period}-{cost_center}-{gl_account}"


def variance_link(period: str, cost_center: str, gl_account: str) -> str:
    return f"/reports/variances/{period}/{cost_center}/{gl_account}"


def owner_tier(start: VarianceStart, parties: VarianceParties) -> Tier:
    """The owner's task as a one-branch tier on the approvals' clock: reminders, then the
    manager (finance without one), then finance."""
    finance = [person for person in parties.finance if person != parties.owner]
    branch = Branch(
        name="owner",
        eligible=[parties.owner],
        deadline_minutes=start.deadline_minutes,
        reminder_minutes=start.reminder_minutes,
        fallback=[parties.manager] if parties.manager else finance,
        escalation_pool=finance,
    )
    return Tier("explanation", [branch])


def review_tier(start: VarianceStart, parties: VarianceParties, explainer: str) -> Tier:
    """Finance's review as a tier: any finance holder but the explainer, reminded on the same
    clock; nobody to escalate to past finance."""
    finance = [person for person in parties.finance if person != explainer]
    branch = Branch(
        name="finance",
        eligible=finance,
        deadline_minutes=start.deadline_minutes,
        reminder_minutes=start.reminder_minutes,
    )
    return Tier("review", [branch])


def explain_refusal(view: VarianceView, explanation: Explanation) -> Refusal | None:
    """Why an explanation is refused: the investigation does not wait on one, the category is
    not one of ``VarianceCategory``, the comment is empty, or the sender is not the owner, a
    delegate of theirs, nor someone the task escalated to."""
    if view.status not in OWNER_ANSWERS:
        return Refusal("not_waiting", f"the {view.title} is {view.status}, not waiting on one")
    if explanation.category not in set(VarianceCategory):
        kinds = ", ".join(VarianceCategory)
        return Refusal("invalid_category", f"the category must be one of {kinds}")
    if not explanation.comment.strip():
        return Refusal("comment_required", "an explanation needs a comment")
    answers = {view.owner, *view.waiting_on}
    if explanation.actor not in answers and explanation.for_owner != view.owner:
        return Refusal("not_entitled", f"{explanation.actor} may not explain the {view.title}")
    return None


def review_refusal(view: VarianceView, review: VarianceReview) -> Refusal | None:
    """Why a review is refused: nothing explained to review, an unknown decision, the
    explainer reviewing their own explanation, or sending back without a note."""
    if view.status is not VarianceStatus.EXPLAINED:
        return Refusal("not_waiting", f"the {view.title} is {view.status}, not explained")
    if review.decision not in set(ReviewDecision):
        return Refusal("invalid_action", "the decision must be accept or send_back")
    if review.actor == view.last_explainer():
        return Refusal("explainer_may_not_review", "the explainer may not review it")
    if review.decision == ReviewDecision.SEND_BACK and not review.note.strip():
        return Refusal("comment_required", "sending back needs a note saying what is missing")
    return None


@dataclass(frozen=True)
class VarianceRecord:
    """The investigation as its workflow holds it at ``at``, for the variance report."""

    workflow_id: str
    view: VarianceView
    at: datetime


@dataclass(frozen=True)
class VarianceDetectRequest:
    """Detect the breaching lines of ``period`` (``YYYY-MM``); empty: the month before the run
    started (the month just closed)."""

    period: str = ""


@dataclass(frozen=True)
class VarianceDetected:
    """The period's breaching lines (their investigations' workflow ids) and those of them this
    run started (one already started for a line is left as it is)."""

    period: str
    breaching: list[str]
    started: list[str]


def valid_period(period: str) -> bool:
    """Whether ``period`` is a calendar month written ``YYYY-MM``."""
    year, dash, month = period.partition("-")
    return bool(dash) and len(year) == 4 and year.isdigit() and month in MONTHS


MONTHS = {f"{number:02d}" for number in range(1, 13)}
