"""The demo's support line is forecast by Holt-Winters with its backtest and fiona's project
ramp, and seeding again books nothing twice."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cli.demo_forecast import CENTER, GL, RAMP_MINOR, RAMP_NOTE
from cli.seed import load_demo_data
from models import ForecastAdjustment, LedgerEntry
from models.budgets.forecast import forecast_report
from settings import Settings

TODAY = date(2026, 11, 23)  # April start: period 8 of FY2027


def test_the_demo_support_line_shows_a_seasonal_forecast_its_backtest_and_the_ramp(
    sessions: sessionmaker[Session], session: Session
) -> None:
    settings = Settings(_env_file=None, fiscal_year_start_month=4, base_currency="EUR")
    load_demo_data(sessions, settings, TODAY)
    load_demo_data(sessions, settings, TODAY)
    journals = session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.idempotency_key.like(f"demo-forecast:{CENTER}:{GL}:%"))
    )
    assert journals == 24 + 8  # two whole years and this one's eight periods begun
    ramps = session.scalars(
        select(ForecastAdjustment).where(ForecastAdjustment.note == RAMP_NOTE)
    ).all()
    assert [(r.fiscal_year, r.period, r.amount_minor) for r in ramps] == [(2027, 10, RAMP_MINOR)]

    report = forecast_report(
        session, 2027, TODAY, start_month=4, currency="EUR", cost_center=CENTER
    )
    line = next(x for x in report.lines if (x.cost_center, x.gl_account) == (CENTER, GL))
    assert line.forecast.method == "holt_winters"
    assert line.forecast.adjustment_minor == RAMP_MINOR
    assert line.backtest is not None and line.backtest.held_out == 3
    assert line.accuracy.startswith("model MAPE ") and line.accuracy.endswith(" over 3 months")
