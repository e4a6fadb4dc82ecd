"""Spend-anomaly detection over the daily roll-ups, and what a ``SpendAnomaly`` run reads and
writes: whom it concerns, and its state on the finding."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.catalog import Role
from domain.costs.anomaly_detection import DayJudgement, Thresholds, findings, judge_day
from domain.costs.spend_anomalies import (
    AnomalyOutcome,
    AnomalyParties,
    AnomalyStart,
    Detection,
    DetectionRequest,
    FindingKind,
    FoundAnomaly,
    closed_at,
    finding_title,
    judged_days,
)
from domain.temporal_names import Activity
from models.costs.anomaly_records import SpendAnomaly
from models.costs.shadow_it import NO_PO, UNOWNED, shadow_it
from models.costs.spend_anomalies import (
    SERIES_KEYS,
    Finding,
    daily_series,
    escalation_in_force,
    project_outcome,
    record_finding,
    series_owner,
    unanswered,
)
from models.db import unit_of_work
from models.purchase_orders.reference import manager_chain, role_members


class AnomalyActivities:
    """Detection stores each finding once per series and day, so a retry finds nothing new."""

    def __init__(
        self, sessions: sessionmaker[Session], thresholds: Thresholds | None = None
    ) -> None:
        self._sessions = sessions
        self._thresholds = thresholds or Thresholds()

    @activity.defn(name=Activity.DETECT_SPEND_ANOMALIES)
    def detect_spend_anomalies(self, request: DetectionRequest) -> Detection:
        """Judge every account's and service's days asked for, record runaway days and the
        months' spend with no owner or no PO over the floor; the findings of those days that
        nobody answered yet, each with its run's workflow id, and the escalation in force."""
        first, last = judged_days(request, activity.info().current_attempt_scheduled_time)
        now, series, short = datetime.now(UTC), 0, []
        with unit_of_work(self._sessions) as session:
            for kind in SERIES_KEYS:
                for one in daily_series(session, kind, first, last):
                    series += 1
                    if not judge_day(one.days, last).history_days:
                        short.append(f"{kind} {one.key}")
                    for judged in findings(one.days, first, last, self._thresholds):
                        source, owner = series_owner(session, kind, one.key, judged.day)
                        finding = Finding(kind, one.key, one.currency, judged, source, owner)
                        record_finding(session, finding, now)
            for finding in self._shadow_spend(session, first, last):
                record_finding(session, finding, now)
            waiting = unanswered(session, first.replace(day=1), last)
            found = tuple(FoundAnomaly(row.id, row.workflow_id) for row in waiting)
            escalation = escalation_in_force(session)
        return Detection(first, last, series, tuple(short), found, escalation=escalation)

    def _shadow_spend(self, session: Session, first: date, last: date) -> list[Finding]:
        """Spend of the months with no owner (an unmapped account of an unowned source) or
        paid without a PO, over the low-dollar floor; FinOps answers for it."""
        found = []
        for spend in shadow_it(session, first.replace(day=1), last.replace(day=1)):
            if spend.amount_minor < self._thresholds.min_impact_minor:
                continue
            if UNOWNED in spend.reasons:
                kind, key = FindingKind.NO_OWNER, f"{spend.name} {spend.detail}"
            elif NO_PO in spend.reasons:
                kind, key = FindingKind.NO_PO, f"{spend.paid_through} {spend.name}"
            else:
                continue
            amount = spend.amount_minor
            judged = DayJudgement(spend.month, amount, 0, 0, 0, 0.0, amount, 0, True)
            source = spend.name if kind is FindingKind.NO_OWNER else None
            found.append(Finding(kind.value, key, spend.currency, judged, source, None))
        return found

    @activity.defn(name=Activity.ANOMALY_PARTIES)
    def anomaly_parties(self, start: AnomalyStart) -> AnomalyParties:
        """The finding as one line, its owner, their manager and the FinOps role's holders."""
        with unit_of_work(self._sessions) as session:
            row = session.get(SpendAnomaly, start.finding_id)
            if row is None:
                raise LookupError(f"no spend anomaly {start.finding_id}")
            managers = manager_chain(session, row.owner, depth=1) if row.owner else ()
            finops = role_members(session, [Role.FINOPS]).get(Role.FINOPS.value, ())
            return AnomalyParties(
                title=finding_title(
                    row.kind,
                    row.series_key,
                    row.day,
                    row.currency,
                    row.actual_minor,
                    row.expected_minor,
                ),
                period=f"{row.day:%Y-%m}",
                closed_at=closed_at(row.kind, row.day),
                owner=row.owner,
                manager=managers[0] if managers else None,
                finops=finops,
            )

    @activity.defn(name=Activity.PROJECT_SPEND_ANOMALY)
    def project_spend_anomaly(self, outcome: AnomalyOutcome) -> None:
        with unit_of_work(self._sessions) as session:
            project_outcome(session, outcome, datetime.now(UTC))
