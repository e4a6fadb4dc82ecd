"""Optimisation recommendations from the pages, the JSON API and the CLI (detection over a month's
cost lines is ``models.costs.recommendation_detection``, which the monthly workflow's activity
runs too): the recommendations a person may see (FinOps, finance, admins and auditors all of
them; anyone else those they own), and a status moved by its owner or FinOps, in the audit
trail (docs/optimisation.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from domain.catalog import Role
from domain.costs.recommendations import (
    MoveRefused,
    RecommendationStatus,
    StatusChange,
    check_move,
    measured_saving,
    next_month,
)
from models.audit.trail import append_audit_entry
from models.costs.recommendation_records import CostRecommendation
from models.costs.recommendations import latest_cost_after
from models.people.records import User
from services.decisions import refuse_unstorable_text
from services.refusals import RuleRefused

SEES_ALL = frozenset({Role.FINOPS, Role.FINANCE, Role.ADMIN, Role.AUDITOR})
DETECTS = frozenset({Role.FINOPS, Role.FINANCE, Role.ADMIN})


class RecommendationMissing(LookupError):
    """No recommendation of that id the person may see."""


@dataclass(frozen=True)
class RecommendationFilter:
    period: date | None = None
    kind: str | None = None
    status: str | None = None
    service: str | None = None


def visible_recommendations(
    session: Session, user: User | None, only: RecommendationFilter
) -> Sequence[CostRecommendation]:
    """The recommendations ``user`` may see (all for the operator, None) that ``only`` lets
    through, newest month first, then largest estimated saving (at most 1,000)."""
    query = select(CostRecommendation).order_by(
        CostRecommendation.period.desc(),
        CostRecommendation.estimated_saving_minor.desc().nulls_last(),
        CostRecommendation.id,
    )
    if user is not None and not user.role_names & SEES_ALL:
        query = query.where(CostRecommendation.owner == user.username)
    for column, wanted in (
        (CostRecommendation.period, only.period),
        (CostRecommendation.kind, only.kind),
        (CostRecommendation.status, only.status),
        (CostRecommendation.service_name, only.service),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    return session.scalars(query.limit(1000)).all()


def visible_recommendation(session: Session, user: User, row_id: int) -> CostRecommendation:
    """The recommendation if ``user`` may see it; ``RecommendationMissing`` otherwise."""
    row = session.get(CostRecommendation, row_id)
    if row is None or not (user.role_names & SEES_ALL or row.owner == user.username):
        raise RecommendationMissing(f"no recommendation {row_id}")
    return row


@dataclass(frozen=True)
class Totals:
    """Per currency, the saving still open (open or accepted) and the saving realised."""

    open_minor: dict[str, int]
    realised_minor: dict[str, int]


def totals(rows: Sequence[CostRecommendation]) -> Totals:
    """The open and realised savings of ``rows``, per currency."""
    open_minor: dict[str, int] = {}
    realised: dict[str, int] = {}
    pending = (RecommendationStatus.OPEN, RecommendationStatus.ACCEPTED)
    for row in rows:
        if row.status in pending and row.estimated_saving_minor:
            open_minor[row.currency] = open_minor.get(row.currency, 0) + row.estimated_saving_minor
        if row.status == RecommendationStatus.DONE and row.realised_saving_minor:
            realised[row.currency] = realised.get(row.currency, 0) + row.realised_saving_minor
    return Totals(open_minor, realised)


def move_status(
    session: Session, row: CostRecommendation, user: User, change: StatusChange, at: datetime
) -> CostRecommendation:
    """Move ``row`` as ``change`` asks, by its owner or FinOps (``not_entitled`` otherwise);
    done without a saving entered measures it as the drop in the resource's monthly cost to
    the latest month loaded after its own. Refused moves name their rule; nothing changes."""
    if row.owner != user.username and Role.FINOPS not in user.role_names:
        raise RuleRefused("not_entitled", "only its owner or FinOps moves a recommendation")
    refuse_unstorable_text("reason", change.reason)
    session.refresh(row, with_for_update=True)
    if change.to == RecommendationStatus.DONE and change.realised_saving_minor is None:
        change = StatusChange(change.to, _measured(session, row, at), change.reason)
    try:
        check_move(RecommendationStatus(row.status), change)
    except MoveRefused as refused:
        raise RuleRefused(refused.rule, str(refused)) from refused
    before = {"status": row.status}
    row.status, row.changed_at, row.changed_by = change.to.value, at, user.username
    if change.to == RecommendationStatus.DONE:
        row.realised_saving_minor = change.realised_saving_minor
    if change.reason.strip():
        row.reason = change.reason.strip()
    _audit(session, row, user, at, before)
    return row


def _measured(session: Session, row: CostRecommendation, at: datetime) -> int | None:
    later = latest_cost_after(session, row, next_month(row.period), next_month(at.date()))
    return None if later is None else measured_saving(row.cost_minor, later)


def _audit(
    session: Session, row: CostRecommendation, user: User, at: datetime, before: dict[str, str]
) -> None:
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=user.username,
            action=f"recommendation.{row.status}",
            entity_type="cost_recommendation",
            entity_id=str(row.id),
            idempotency_key=f"recommendation:{row.id}:{row.status}",
            before=before,
            after={
                "status": row.status,
                "realised_saving_minor": row.realised_saving_minor,
                "currency": row.currency,
                "reason": row.reason,
            },
        ),
    )


def realised_on_services(
    session: Session, services: Sequence[str], first: date, until: date
) -> dict[str, int]:
    """Per currency, the savings realised by the recommendations done on resources of the
    cloud services ``services`` found in the months from ``first`` up to ``until`` (excluded)."""
    rows = session.execute(
        select(CostRecommendation.currency, func.sum(CostRecommendation.realised_saving_minor))
        .where(
            CostRecommendation.status == RecommendationStatus.DONE.value,
            CostRecommendation.service_name.in_(services),
            CostRecommendation.period >= first,
            CostRecommendation.period < until,
        )
        .group_by(CostRecommendation.currency)
    )
    return {currency: int(total or 0) for currency, total in rows}
