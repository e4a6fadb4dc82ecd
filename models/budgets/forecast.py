"""The year-end forecast per cost center x GL account, from the ledger as it stands: actual,
open commitments, the spend not tied to a PO projected by exponential smoothing of the line's
monthly history (models/forecasts), and the dated adjustments ahead; with its backtest.

Being computed from the entries, a forecast follows every amendment, cancellation or delay of a
PO as soon as its release or adjustment is posted: nothing is stored to fall out of date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import BigInteger, func, literal, select, union_all
from sqlalchemy.orm import Session

from domain.budget_forecast import (
    PERIODS_PER_YEAR,
    Forecast,
    Projection,
    combined,
    elapsed_periods,
    forecast,
)
from domain.forecast_method import MONTHS_PER_SEASON, adjustments_ahead
from models import CostCenter, GlAccount, LedgerEntry
from models.budgets.report_scope import budgets_in_force, centers_in_scope
from models.forecasts.adjustments import adjustments_of_year, by_line
from models.forecasts.backtest import Backtest, backtest, describe
from models.forecasts.ledger_history import monthly_history
from models.forecasts.series import forecast_series


@dataclass(frozen=True)
class ForecastLine:
    """A line's forecast and how its model did on the line's last months."""

    cost_center: str
    gl_account: str
    forecast: Forecast
    backtest: Backtest | None = None

    @property
    def accuracy(self) -> str:
        return describe(self.backtest, "month")


@dataclass(frozen=True)
class ForecastReport:
    """Forecasts as of ``today``: ``elapsed`` periods of the year have begun (the current one
    included), the run rate is measured over them and projected over the rest."""

    fiscal_year: int
    today: date
    elapsed: int
    currency: str
    lines: list[ForecastLine]
    total: Forecast


def forecast_report(
    session: Session,
    fiscal_year: int,
    today: date,
    *,
    start_month: int,
    currency: str,
    cost_center: str | None = None,
) -> ForecastReport:
    """A forecast per own line of every cost center in scope that has a budget or an entry in
    the year; UnknownCostCenter for an unknown ``cost_center``."""
    elapsed = elapsed_periods(fiscal_year, today, start_month)
    ids = [center.id for center in centers_in_scope(session, cost_center)]
    history = monthly_history(session, fiscal_year, elapsed, ids)
    planned = by_line(adjustments_of_year(session, fiscal_year, ids))
    lines = []
    for center, gl, budget, actual, held, unlinked in _sums(session, fiscal_year, elapsed, ids):
        months = history.get((center, gl), [])
        line = forecast(
            budget_minor=budget,
            actual_minor=actual,
            open_commitment_minor=held,
            unlinked_actual_elapsed_minor=unlinked,
            elapsed=elapsed,
            projection=_projection(months, PERIODS_PER_YEAR - elapsed),
            adjustment_minor=adjustments_ahead(planned.get((center, gl), []), fiscal_year, elapsed),
        )
        lines.append(
            ForecastLine(center, gl, line, backtest(months, MONTHS_PER_SEASON, daily=False))
        )
    total = combined([line.forecast for line in lines], PERIODS_PER_YEAR - elapsed)
    return ForecastReport(fiscal_year, today, elapsed, currency, lines, total)


def _projection(months: list[int], remaining: int) -> Projection:
    fitted = forecast_series([float(m) for m in months], remaining, MONTHS_PER_SEASON)
    return Projection(
        fitted.method,
        fitted.reason,
        fitted.total_minor,
        fitted.band_low_minor,
        fitted.band_high_minor,
    )


def _sums(
    session: Session, fiscal_year: int, elapsed: int, center_ids: list[int]
) -> list[tuple[str, str, int, int, int, int]]:
    """(cost center, GL, budget, actual, reserved + committed, actual without a PO on the
    elapsed periods) per own line of the year, summed by Postgres."""
    budget = budgets_in_force(fiscal_year)
    zero = literal(0, BigInteger)
    granted = select(
        budget.c.cost_center_id.label("center_id"),
        budget.c.gl_account_id.label("gl_id"),
        budget.c.amount_minor.label("budget"),
        zero.label("actual"),
        zero.label("held"),
        zero.label("unlinked"),
    )
    unlinked = func.sum(LedgerEntry.actual_delta_minor).filter(
        LedgerEntry.po_number.is_(None), LedgerEntry.period <= elapsed
    )
    movements = (
        select(
            LedgerEntry.cost_center_id,
            LedgerEntry.gl_account_id,
            zero,
            func.sum(LedgerEntry.actual_delta_minor),
            func.sum(LedgerEntry.reserved_delta_minor + LedgerEntry.committed_delta_minor),
            func.coalesce(unlinked, 0),
        )
        .where(LedgerEntry.fiscal_year == fiscal_year)
        .group_by(LedgerEntry.cost_center_id, LedgerEntry.gl_account_id)
    )
    own = union_all(granted, movements).subquery("own")
    rows = session.execute(
        select(
            CostCenter.code,
            GlAccount.code,
            func.sum(own.c.budget),
            func.sum(own.c.actual),
            func.sum(own.c.held),
            func.sum(own.c.unlinked),
        )
        .select_from(own)
        .join(CostCenter, CostCenter.id == own.c.center_id)
        .join(GlAccount, GlAccount.id == own.c.gl_id)
        .where(own.c.center_id.in_(center_ids))
        .group_by(CostCenter.code, GlAccount.code)
        .order_by(CostCenter.code, GlAccount.code)
    ).all()
    return [(c, g, int(b), int(a), int(h), int(u)) for c, g, b, a, h, u in rows]
