"""Spend anomalies (docs/anomalies.md): a day of runaway spend on a billing account or a service,
or spend with no owner or no PO, each followed by a ``SpendAnomaly`` run: the owner is told and
must acknowledge and explain it before the deadline, else it escalates to their manager, then
to FinOps. These are the payloads its workflow, its activities and its callers exchange."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from domain.chain import Tier
from domain.costs.anomaly_escalation import (
    ACKNOWLEDGE_WITHIN_MINUTES,
    DEFAULT_ESCALATION,
    REMINDER_MINUTES,
    EscalationRule,
)
from domain.costs.governance_tasks import owner_tier
from domain.validation import amount_text

# A UTC day's cost is judged 36 hours after it ended, as Azure's anomaly alerts wait for it.
CLOSED_AFTER = timedelta(hours=36)


class FindingKind(StrEnum):
    ACCOUNT = "account"  # a billing account's daily cost out of its baseline
    SERVICE = "service"  # a service's daily cost out of its baseline
    NO_OWNER = "no_owner"  # a month's spend of an account nobody owns (shadow IT)
    NO_PO = "no_po"  # a month's spend of a vendor paid without a PO (shadow IT)


class AnomalyStatus(StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"  # past the owner's deadline: waits on their manager, then FinOps
    ACKNOWLEDGED = "acknowledged"  # answered: unexpected spend, to be stopped
    EXPLAINED = "explained"  # answered: expected or planned spend


class Feedback(StrEnum):
    EXPECTED = "expected"
    UNEXPECTED = "unexpected"
    PLANNED = "planned"


@dataclass(frozen=True)
class DetectionRequest:
    """Judge the days ``first`` to ``last``; none given: the last closed day (the UTC day that
    ended 36 hours before the run, when the providers' data for it is complete)."""

    first: date | None = None
    last: date | None = None


@dataclass(frozen=True)
class FoundAnomaly:
    """A finding still waiting on an answer, and the id of the run that follows it."""

    finding_id: int
    workflow_id: str


@dataclass(frozen=True)
class Detection:
    """What a detection run judged and found: the series with cost in its days, those judged
    on fewer than 14 days of history (``<kind> <key>``: no finding can come of them yet), the
    findings of its days nobody answered yet, the runs it started for them, and the approval
    policy's escalation in force, which each run it starts follows."""

    first: date
    last: date
    series: int = 0
    too_little_history: tuple[str, ...] = ()
    waiting: tuple[FoundAnomaly, ...] = ()
    started: tuple[str, ...] = ()
    escalation: EscalationRule = DEFAULT_ESCALATION


@dataclass(frozen=True)
class AnomalyStart:
    """A finding to follow, and the policy's clock for its owner (``EscalationRule``'s)."""

    finding_id: int
    deadline_minutes: int = ACKNOWLEDGE_WITHIN_MINUTES
    reminder_minutes: int = REMINDER_MINUTES

    @classmethod
    def under(cls, finding_id: int, rule: EscalationRule) -> AnomalyStart:
        return cls(finding_id, rule.deadline_minutes, rule.reminder_minutes)


@dataclass(frozen=True)
class AnomalyParties:
    """What the run tells and whom: the finding as one line, its owner (none: FinOps answers
    it), the owner's manager, and the FinOps role's holders."""

    title: str
    period: str  # YYYY-MM of the finding's day
    closed_at: datetime  # when the finding's day (or month) closed: the owner's clock runs from it
    owner: str | None
    manager: str | None
    finops: tuple[str, ...]


@dataclass(frozen=True)
class Acknowledgement:
    """The owner's answer; ``finops`` when the actor holds the FinOps role (who may answer any
    finding), as the caller checked it."""

    actor: str
    feedback: Feedback
    explanation: str
    finops: bool = False


@dataclass(frozen=True)
class AnomalyOutcome:
    """The run's state, as the findings' table keeps it."""

    finding_id: int
    status: AnomalyStatus
    waiting_on: tuple[str, ...] = ()
    acknowledgement: Acknowledgement | None = None


@dataclass
class AnomalyView:
    finding_id: int
    title: str = ""
    status: AnomalyStatus = AnomalyStatus.OPEN
    waiting_on: list[str] = field(default_factory=list)
    acknowledgement: Acknowledgement | None = None


def judged_days(request: DetectionRequest, now: datetime) -> tuple[date, date]:
    """The days a detection run judges: those asked for, else the last closed day."""
    closed = (now - CLOSED_AFTER).date() - timedelta(days=1)
    last = request.last or closed
    return request.first or last, last


def finding_title(
    kind: str, key: str, day: date, currency: str, actual_minor: int, expected_minor: int
) -> str:
    """A finding in one line, as messages and the inbox name it."""
    spent = amount_text(actual_minor, currency)
    if kind in (FindingKind.ACCOUNT, FindingKind.SERVICE):
        expected = amount_text(expected_minor, currency)
        return f"{kind} {key} spent {spent} on {day} (expected {expected})"
    what = "with no owner" if kind == FindingKind.NO_OWNER else "without a PO"
    return f"{key}: {spent} {what} in {day:%Y-%m}"


def anomaly_workflow_id(kind: str, key: str, day: date) -> str:
    return f"anomaly-{kind}-{key}-{day.isoformat()}"


def anomaly_link(finding_id: int) -> str:
    return f"/costs/anomalies/{finding_id}"


def answer_tier(start: AnomalyStart, parties: AnomalyParties, now: datetime) -> Tier:
    """The answer expected, on the approvals' clock (``owner_tier``) with the start's deadline
    and reminder: the owner first (FinOps when nobody owns the spend), their manager, then
    FinOps. The owner's deadline runs from when the day closed, so a finding found late (a
    backfill, a late load) escalates as it would have on time: runaway spend costs more each
    day it runs."""
    within = timedelta(minutes=start.deadline_minutes)
    reminder = timedelta(minutes=start.reminder_minutes)
    tier = owner_tier("anomaly", parties.owner, parties.manager, parties.finops, within, reminder)
    tier.branches[0].deadline_at = min(parties.closed_at, now) + within
    return tier


def closed_at(kind: str, day: date) -> datetime:
    """When a finding's data was complete: 36 hours after its UTC day ended (after its month
    ended, for spend with no owner or no PO)."""
    if kind in (FindingKind.NO_OWNER, FindingKind.NO_PO):
        end = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        end = day + timedelta(days=1)
    return datetime(end.year, end.month, end.day, tzinfo=UTC) + CLOSED_AFTER


def refusal(view: AnomalyView, answer: Acknowledgement) -> tuple[str, str] | None:
    """Why ``answer`` is refused now, as (rule, message); None when it is taken: only while the
    finding is open or escalated, with an explanation, from someone it waits on or FinOps."""
    if view.status not in (AnomalyStatus.OPEN, AnomalyStatus.ESCALATED):
        return "not_waiting", f"the finding is {view.status} already"
    if not answer.explanation.strip():
        return "explanation_required", "say why the spend moved"
    if answer.actor not in view.waiting_on and not answer.finops:
        waits_on = ", ".join(view.waiting_on) or "nobody"
        return "not_entitled", f"the finding waits on {waits_on}, not {answer.actor}"
    return None
