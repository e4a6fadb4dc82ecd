"""The demo's forecast material: IT-INFRA's support and maintenance line (GL 6140) booked by
journal every month of the last two fiscal years and of this one so far, billed at the start of
each month so the current one is booked too (a rising run with the year-end renewals' peak), so
its forecast is fitted by Holt-Winters and shows a backtest; and a project ramp fiona planned
on it two periods ahead. Idempotent: entries are found by their idempotency keys, the ramp by
its note."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.fiscal import FiscalPeriod, fiscal_period, fiscal_year_periods
from models import ForecastAdjustment, LedgerEntry
from models.budgets.postings import Account, Posting, account, append
from models.forecasts.adjustments import NewAdjustment, record_adjustment
from models.forecasts.records import AdjustmentKind
from settings import Settings

CENTER, GL = "IT-INFRA", "6140"
RAMP_NOTE = "PRJ-DC-EXIT: support of the new cloud landing zone"
RAMP_MINOR = 1_800_000  # 18,000.00 in the base currency


def support_spend(month: int, period: int) -> int:
    """The line's journal in month ``month`` (0 = the first booked) of fiscal ``period``, in
    minor units: 5,200.00 rising 60.00 a month, renewals adding 2,500.00 in period 12."""
    return 520_000 + 6_000 * month + (250_000 if period == 12 else 0)


def seed_forecast_demo(
    session: Session, settings: Settings, today: date, added: dict[str, int]
) -> None:
    """Books whatever part of the line's history is missing and plans the ramp once."""
    now = fiscal_period(today, settings.fiscal_year_start_month)
    months = [
        p
        for year in (now.fiscal_year - 2, now.fiscal_year - 1, now.fiscal_year)
        for p in fiscal_year_periods(year)
        if (p.fiscal_year, p.period) <= (now.fiscal_year, now.period)
    ]
    line = account(session, CENTER, GL)
    keys = {f"demo-forecast:{CENTER}:{GL}:{p.fiscal_year}-{p.period:02d}": p for p in months}
    booked = set(
        session.scalars(
            select(LedgerEntry.idempotency_key).where(LedgerEntry.idempotency_key.in_(list(keys)))
        )
    )
    missing = [
        _journal(line, key, period, settings.base_currency, support_spend(index, period.period))
        for index, (key, period) in enumerate(keys.items())
        if key not in booked
    ]
    for posting in missing:  # one step each: append() suffixes a step's later keys
        append(session, [posting])
    if missing:
        added["forecast history entries"] = len(missing)
    if session.scalar(select(ForecastAdjustment.id).where(ForecastAdjustment.note == RAMP_NOTE)):
        return
    ramp = NewAdjustment(
        CENTER,
        GL,
        now.fiscal_year,
        min(now.period + 2, 12),
        RAMP_MINOR,
        settings.base_currency,
        AdjustmentKind.PROJECT_RAMP,
        RAMP_NOTE,
    )
    at = datetime.combine(today, time(9), tzinfo=UTC)
    record_adjustment(session, ramp, "fiona", at)
    added["forecast adjustments"] = 1


def _journal(line: Account, key: str, period: FiscalPeriod, currency: str, minor: int) -> Posting:
    return Posting(
        kind="actual",
        account=line,
        period=period,
        currency=currency,
        idempotency_key=key,
        actual=minor,
        reference=f"JE-SUP-{period.fiscal_year}-{period.period:02d}",
        note="support and maintenance, monthly journal",
        posted_by="fiona",
    )
