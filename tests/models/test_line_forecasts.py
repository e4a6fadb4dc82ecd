"""A budget line's year-end forecast fitted on two and a half years of ledger history: the
seasonal method, its band, its backtest against the run rate, and the dated adjustments ahead."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.fiscal import FiscalPeriod
from models import AuditEntry
from models.budgets.forecast import ForecastLine, forecast_report
from models.budgets.postings import Posting, account, append
from models.forecasts.adjustments import (
    NewAdjustment,
    adjustments_of_year,
    delete_adjustment,
    record_adjustment,
)
from models.forecasts.records import AdjustmentKind
from tests.models.report_ledger import FY, Org, build

TODAY = date(FY, 6, 15)  # six periods of FY begun
AT = datetime(FY, 6, 15, 9, tzinfo=UTC)


def monthly(month: int) -> int:
    """A rising series with a year-end peak, in cents: what a cloud line's journal shows."""
    return 100_000 + 1_500 * month + (40_000 if month % 12 == 11 else 0)


@pytest.fixture
def org(session: Session) -> Org:
    org = build(session)
    months = [(FY - 2 + m // 12, m % 12 + 1) for m in range(30)]  # FY-2 P1 .. FY P6
    append(
        session,
        [
            _actual(session, org, year, period, monthly(i))
            for i, (year, period) in enumerate(months)
        ],
    )
    session.flush()
    return org


def _actual(session: Session, org: Org, year: int, period: int, minor: int) -> Posting:
    return Posting(
        kind="actual",
        account=account(session, org.grand, org.gl2),
        period=FiscalPeriod(year, period),
        currency="EUR",
        idempotency_key=f"actual:{uuid.uuid4().hex}",
        actual=minor,
        note="journal entry",
        posted_by="finance",
    )


def _line(session: Session, org: Org) -> ForecastLine:
    report = forecast_report(
        session, FY, TODAY, start_month=1, currency="EUR", cost_center=org.grand
    )
    return next(line for line in report.lines if line.gl_account == org.gl2)


def test_thirty_months_of_history_give_a_seasonal_forecast_with_its_backtest(
    session: Session, org: Org
) -> None:
    line = _line(session, org)
    f = line.forecast
    assert f.method == "holt_winters" and "30 periods" in f.method_reason
    assert f.actual_minor == sum(monthly(i) for i in range(24, 30))
    assert f.remaining_periods == 6
    assert f.forecast_minor == f.actual_minor + f.open_commitment_minor + f.projected_run_minor
    assert f.forecast_low_minor <= f.forecast_minor <= f.forecast_high_minor
    # the peak of period 12 is ahead: the seasonal projection sees it, a run rate would not
    assert f.projected_run_minor > f.run_rate_minor * f.remaining_periods

    tested = line.backtest
    assert tested is not None and tested.held_out == 3
    history = [monthly(i) for i in range(30)]
    naive = sum(history[:27]) / 27
    by_hand = sum(abs(a - naive) / a for a in history[27:]) / 3 * 100
    assert tested.run_rate_mape == pytest.approx(by_hand)
    assert tested.model_mape is not None and tested.run_rate_mape is not None
    assert tested.model_mape < tested.run_rate_mape
    assert line.accuracy.endswith("over 3 months")


def test_adjustments_ahead_add_to_the_forecast_and_past_ones_do_not(
    session: Session, org: Org
) -> None:
    before = _line(session, org).forecast
    ramp = NewAdjustment(
        org.grand, org.gl2, FY, 9, 5_000_00, "EUR", AdjustmentKind.PROJECT_RAMP, "new region"
    )
    planned = record_adjustment(session, ramp, "finance", AT)
    past = NewAdjustment(org.grand, org.gl2, FY, 3, 700_00, "EUR", AdjustmentKind.OTHER, "late")
    record_adjustment(session, past, "finance", AT)
    after = _line(session, org).forecast
    assert after.adjustment_minor == 5_000_00
    assert after.forecast_minor == before.forecast_minor + 5_000_00
    assert after.forecast_high_minor == before.forecast_high_minor + 5_000_00
    mine = [a for a in adjustments_of_year(session, FY) if a.cost_center == org.grand]
    assert [(a.period, a.amount_minor, a.created_by) for a in mine] == [
        (3, 700_00, "finance"),
        (9, 5_000_00, "finance"),
    ]
    assert delete_adjustment(session, planned.adjustment_id, "felix", AT)
    assert not delete_adjustment(session, planned.adjustment_id, "felix", AT)
    trail = session.execute(
        select(AuditEntry.action, AuditEntry.actor)
        .where(AuditEntry.entity_id == f"forecast adjustment {planned.adjustment_id}")
        .order_by(AuditEntry.sequence)
    ).all()
    assert [tuple(row) for row in trail] == [
        ("forecast_adjustment.planned", "finance"),
        ("forecast_adjustment.deleted", "felix"),
    ]
    assert _line(session, org).forecast.forecast_minor == before.forecast_minor
