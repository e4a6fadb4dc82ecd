"""Spend anomalies from the pages, the JSON API and the CLI: the findings a person may see (FinOps,
finance, admins and auditors all of them; anyone else those they own or that wait on them), an
owner's answer sent to the finding's run, and detection run for past days (a backfill)."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from domain.catalog import Role
from domain.costs.anomaly_detection import daily_values, judge_day
from domain.costs.spend_anomalies import (
    Acknowledgement,
    AnomalyView,
    Detection,
    DetectionRequest,
    Feedback,
)
from domain.temporal_names import AnomalyUpdate, WorkflowType
from models.costs.anomaly_records import SpendAnomaly
from models.costs.spend_anomalies import SERIES_KEYS, daily_series
from models.people.records import User
from services.costs.refusals import CostRefused
from services.decisions import refuse_unstorable_text
from services.idempotency import update_id
from services.refusals import RuleRefused
from services.updates import run_update
from settings import Settings

SEES_ALL = frozenset({Role.FINOPS, Role.FINANCE, Role.ADMIN, Role.AUDITOR})


class FindingMissing(LookupError):
    """No finding of that id the person may see."""


@dataclass(frozen=True)
class FindingFilter:
    month: date | None = None  # its first day: the findings of its days
    kind: str | None = None
    status: str | None = None


def visible_findings(
    session: Session, user: User | None, only: FindingFilter
) -> Sequence[SpendAnomaly]:
    """The findings ``user`` may see (all of them for the operator, None) that ``only`` lets
    through, newest day first."""
    query = select(SpendAnomaly).order_by(SpendAnomaly.day.desc(), SpendAnomaly.id.desc())
    if user is not None and not user.role_names & SEES_ALL:
        query = query.where(_theirs(user))
    if only.month:
        end = only.month.replace(day=monthrange(only.month.year, only.month.month)[1])
        query = query.where(SpendAnomaly.day.between(only.month, end))
    if only.kind:
        query = query.where(SpendAnomaly.kind == only.kind)
    if only.status:
        query = query.where(SpendAnomaly.status == only.status)
    return session.scalars(query.limit(1000)).all()


def visible_finding(session: Session, user: User, finding_id: int) -> SpendAnomaly:
    """The finding if ``user`` may see it; ``FindingMissing`` otherwise (an unseen finding does
    not exist for them)."""
    query = select(SpendAnomaly).where(SpendAnomaly.id == finding_id)
    if not user.role_names & SEES_ALL:
        query = query.where(_theirs(user))
    row = session.scalars(query).one_or_none()
    if row is None:
        raise FindingMissing(f"no spend anomaly {finding_id}")
    return row


def _theirs(user: User) -> ColumnElement[bool]:
    """Owned by ``user``, or waiting on them (it escalated to them)."""
    waits_on_them = SpendAnomaly.waiting_on.contains([user.username])
    return or_(SpendAnomaly.owner == user.username, waits_on_them)


@dataclass(frozen=True)
class SeriesPicture:
    """A finding's series around its day, and the band each day was expected in."""

    currency: str
    days: list[date]
    actual: list[int]
    band: list[tuple[int, int]]


def series_picture(session: Session, finding: SpendAnomaly) -> SeriesPicture | None:
    """The three weeks before the finding's day and the week after, each day judged as
    detection judges it; None for spend with no owner or no PO (a month, not a series)."""
    if finding.kind not in SERIES_KEYS:
        return None
    first, last = finding.day - timedelta(days=21), finding.day + timedelta(days=7)
    found = daily_series(session, finding.kind, first, last, finding.series_key)
    series = next((s.days for s in found if s.currency == finding.currency), {})
    if not series:  # the period was loaded again without the lines found
        return SeriesPicture(finding.currency, [], [], [])
    days = [d for d in sorted(daily_values(series, min(series), max(series))) if d >= first]
    judged = [judge_day(series, day) for day in days]
    return SeriesPicture(
        finding.currency,
        days,
        [j.actual_minor for j in judged],
        [(j.lower_minor, j.upper_minor) if j.history_days else (0, 0) for j in judged],
    )


async def acknowledge(
    temporal: Client,
    finding: SpendAnomaly,
    user: User,
    feedback: Feedback,
    explanation: str,
    key: str | None = None,
) -> AnomalyView:
    """Send ``user``'s answer to the finding's run; the run refuses it (``not_waiting``,
    ``not_entitled``, ``explanation_required``) unless it waits on them or they hold FinOps."""
    refuse_unstorable_text("explanation", explanation)
    answer = Acknowledgement(
        user.username, feedback, explanation, finops=Role.FINOPS in user.role_names
    )
    return await run_update(
        temporal.get_workflow_handle(finding.workflow_id),
        AnomalyUpdate.ACKNOWLEDGE,
        answer,
        AnomalyView,
        missing=RuleRefused("not_waiting", f"spend anomaly {finding.id} is no longer open"),
        update_id=update_id(AnomalyUpdate.ACKNOWLEDGE, user, key),
    )


async def start_detection(temporal: Client, settings: Settings, first: date, last: date) -> str:
    """Start detection over ``first`` to ``last`` (a backfill); its workflow id. One for the
    same days still running is not started twice."""
    if last < first:
        raise CostRefused("invalid_period", f"{first} is after {last}")
    handle = await temporal.start_workflow(
        WorkflowType.SPEND_ANOMALY_DETECTION,
        DetectionRequest(first, last),
        id=f"spend-anomalies-{first}-{last}",
        task_queue=settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        result_type=Detection,
    )
    return handle.id


async def detect(temporal: Client, settings: Settings, first: date, last: date) -> Detection:
    """Run detection over ``first`` to ``last`` and wait for it: what it judged, the series
    with too little history, the runs it started for findings nobody answered yet."""
    workflow_id = await start_detection(temporal, settings, first, last)
    handle = temporal.get_workflow_handle(workflow_id, result_type=Detection)
    detection: Detection = await handle.result()
    return detection
