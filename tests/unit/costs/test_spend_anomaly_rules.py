"""When a spend anomaly's day is judged and when its owner must have answered: the scheduled
run judges the UTC day that ended 36 hours before; the owner has three days from then (or what
the approval policy's ``spend_anomaly_escalation`` says), or from the run's start when it starts
earlier; a finding nobody owns goes to FinOps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.costs.anomaly_escalation import EscalationRule
from domain.costs.spend_anomalies import (
    AnomalyParties,
    AnomalyStart,
    DetectionRequest,
    FindingKind,
    answer_tier,
    closed_at,
    judged_days,
)


def test_the_scheduled_run_judges_the_day_that_ended_36_hours_before() -> None:
    before_noon = datetime(2026, 12, 7, 11, 59, tzinfo=UTC)
    at_noon = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert judged_days(DetectionRequest(), before_noon) == (date(2026, 12, 4), date(2026, 12, 4))
    assert judged_days(DetectionRequest(), at_noon) == (date(2026, 12, 5), date(2026, 12, 5))
    backfill = DetectionRequest(date(2026, 11, 1), date(2026, 11, 30))
    assert judged_days(backfill, at_noon) == (date(2026, 11, 1), date(2026, 11, 30))


def test_a_day_closes_36_hours_after_it_ends_and_a_month_after_the_month() -> None:
    assert closed_at(FindingKind.SERVICE, date(2026, 11, 18)) == datetime(
        2026, 11, 20, 12, tzinfo=UTC
    )
    assert closed_at(FindingKind.NO_PO, date(2026, 11, 1)) == datetime(2026, 12, 2, 12, tzinfo=UTC)


def _parties(owner: str | None, manager: str | None, day: date) -> AnomalyParties:
    return AnomalyParties(
        "t", f"{day:%Y-%m}", closed_at(FindingKind.ACCOUNT, day), owner, manager, ("olga",)
    )


START = AnomalyStart(1)  # as a run started before the policy's section existed


def test_the_owner_s_clock_runs_from_when_the_day_closed() -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    late = answer_tier(START, _parties("priya", "tom", date(2026, 11, 18)), now).branches[0]
    assert late.deadline_at == datetime(2026, 11, 23, 12, tzinfo=UTC) < now
    assert (late.eligible, late.fallback, late.escalation_pool) == (["priya"], ["tom"], ["olga"])
    early = answer_tier(START, _parties("priya", None, date(2026, 12, 7)), now).branches[0]
    assert early.deadline_at == now + timedelta(days=3)
    assert early.fallback == ["olga"]  # no manager: FinOps


def test_spend_nobody_owns_waits_on_finops_from_the_start() -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    branch = answer_tier(START, _parties(None, None, date(2026, 12, 6)), now).branches[0]
    assert branch.waiting_on() == ["olga"] and branch.fallback == []
    assert branch.deadline_at is not None and branch.deadline_at - now <= timedelta(days=3)


def test_a_start_without_the_policy_s_clock_keeps_three_days_and_a_daily_reminder() -> None:
    assert (START.deadline_minutes, START.reminder_minutes) == (3 * 24 * 60, 24 * 60)
    assert AnomalyStart.under(1, EscalationRule()) == START


@pytest.mark.parametrize("late", [False, True])
def test_the_policy_s_clock_sets_the_deadline_the_reminder_and_the_manager_s_turn(
    late: bool,
) -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    closed = now - timedelta(hours=1) if late else now + timedelta(days=1)
    parties = AnomalyParties("t", "2026-12", closed, "priya", "tom", ("olga",))
    start = AnomalyStart.under(1, EscalationRule(deadline_minutes=90, reminder_minutes=30))
    branch = answer_tier(start, parties, now).branches[0]
    assert branch.deadline_at == min(closed, now) + timedelta(minutes=90)
    assert (branch.deadline_minutes, branch.reminder_minutes) == (90, 30)
