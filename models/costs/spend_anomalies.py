"""What spend-anomaly detection reads and writes: each billing account's and service's daily
cost from the roll-ups (base currency), who owns a series, and the findings, one per series
and day, so a second run over the same days finds nothing new."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from domain.costs.anomaly_detection import WINDOW_DAYS, DayJudgement
from domain.costs.anomaly_escalation import DEFAULT_ESCALATION, EscalationRule
from domain.costs.settlement import to_minor
from domain.costs.spend_anomalies import AnomalyOutcome, AnomalyStatus, anomaly_workflow_id
from models.costs.anomaly_records import SpendAnomaly
from models.purchase_orders.reference import policy_in_force

# The column a series is keyed by, per kind (never user input).
SERIES_KEYS = {"account": "d.billing_account_id", "service": "d.service_name"}


@dataclass(frozen=True)
class Series:
    kind: str
    key: str
    currency: str
    days: dict[date, int]  # minor units of the base currency


@dataclass(frozen=True)
class Finding:
    """A finding as detection hands it over: the series, its day judged, and whom it concerns."""

    kind: str
    key: str
    currency: str
    judged: DayJudgement
    source: str | None
    owner: str | None


def daily_series(
    session: Session, kind: str, first: date, last: date, key: str | None = None
) -> list[Series]:
    """Every series of ``kind`` (only ``key``'s when given) with cost from ``WINDOW_DAYS``
    before ``first`` to ``last``, each day's effective cost (base currency) rounded once to
    minor units."""
    query = text(
        f"""
        SELECT {SERIES_KEYS[kind]} AS key, d.base_currency AS currency, d.usage_date AS day,
               sum(d.effective_cost_base) AS cost
        FROM cost_daily d
        WHERE d.usage_date BETWEEN :since AND :last AND d.base_currency IS NOT NULL
          AND {SERIES_KEYS[kind]} IS NOT NULL
          AND (CAST(:key AS text) IS NULL OR {SERIES_KEYS[kind]} = :key)
        GROUP BY 1, 2, 3
        """
    )
    found: dict[tuple[str, str], dict[date, int]] = defaultdict(dict)
    window = {"since": first - timedelta(WINDOW_DAYS), "last": last, "key": key}
    for row in session.execute(query, window):
        found[(row.key, row.currency)][row.day] = to_minor(Decimal(row.cost), row.currency)
    return [Series(kind, key, cur, days) for (key, cur), days in sorted(found.items())]


# Who carries a series on a day, most cost first: its sources, its cost centers' owners.
_SOURCE = (
    "SELECT src.name FROM cost_daily d JOIN cost_sources src ON src.id = d.source_id "
    "WHERE {where} GROUP BY src.name ORDER BY sum(d.effective_cost_base) DESC LIMIT 1"
)
_CENTER_OWNER = (
    "SELECT u.username FROM cost_daily d JOIN cost_centers cc ON cc.id = d.cost_center_id "
    "JOIN users u ON u.id = cc.owner_id WHERE {where} "
    "GROUP BY u.username ORDER BY sum(d.effective_cost_base) DESC LIMIT 1"
)
_SOURCE_OWNER = (
    "SELECT u.username FROM cost_daily d JOIN cost_source_owners o ON o.source_id = d.source_id "
    "JOIN users u ON u.id = o.user_id WHERE {where} ORDER BY u.username LIMIT 1"
)


def series_owner(session: Session, kind: str, key: str, day: date) -> tuple[str | None, str | None]:
    """The series' source on ``day`` (the one carrying most of its cost) and its owner: the
    owner of the cost center carrying most of it, else the source's first owner by name."""
    where = f"{SERIES_KEYS[kind]} = :key AND d.usage_date = :day"
    params = {"key": key, "day": day}

    def first(query: str) -> str | None:
        found: str | None = session.execute(text(query.format(where=where)), params).scalar()
        return found

    return first(_SOURCE), first(_CENTER_OWNER) or first(_SOURCE_OWNER)


def record_finding(session: Session, finding: Finding, at: datetime) -> None:
    """Store the finding unless its series and day have one already (detection run again)."""
    judged = finding.judged
    values = {
        "kind": finding.kind,
        "series_key": finding.key,
        "day": judged.day,
        "source": finding.source,
        "currency": finding.currency,
        "actual_minor": judged.actual_minor,
        "expected_minor": judged.expected_minor,
        "lower_minor": judged.lower_minor,
        "upper_minor": judged.upper_minor,
        "score": judged.score if finding.kind in SERIES_KEYS else None,
        "impact_minor": judged.impact_minor,
        "owner": finding.owner,
        "status": AnomalyStatus.OPEN.value,
        "workflow_id": anomaly_workflow_id(finding.kind, finding.key, judged.day),
        "found_at": at,
    }
    session.execute(insert(SpendAnomaly).values(**values).on_conflict_do_nothing())


def escalation_in_force(session: Session) -> EscalationRule:
    """The approval policy's ``spend_anomaly_escalation`` section (its defaults without one)."""
    policy = policy_in_force(session)
    return policy.spend_anomaly_escalation if policy else DEFAULT_ESCALATION


def unanswered(session: Session, first: date, last: date) -> Sequence[SpendAnomaly]:
    """The findings of the days ``first`` to ``last`` (months of no-owner and no-PO spend
    starting in them) nobody answered yet, oldest first."""
    return session.scalars(
        select(SpendAnomaly)
        .where(SpendAnomaly.day.between(first, last), SpendAnomaly.answered_at.is_(None))
        .order_by(SpendAnomaly.day, SpendAnomaly.id)
    ).all()


def project_outcome(session: Session, outcome: AnomalyOutcome, at: datetime) -> None:
    """Write the run's state on its finding; an answer is written once."""
    row = session.get(SpendAnomaly, outcome.finding_id, with_for_update=True)
    if row is None:
        raise LookupError(f"no spend anomaly {outcome.finding_id}")
    row.status, row.waiting_on = outcome.status.value, list(outcome.waiting_on)
    answer = outcome.acknowledgement
    if answer is not None and row.answered_at is None:
        row.feedback, row.explanation = answer.feedback.value, answer.explanation
        row.answered_by, row.answered_at = answer.actor, at
