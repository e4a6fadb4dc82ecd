"""A fiscal period's figures per budget line (cost center x GL account) for variance
investigations: the period's budget in force, its actual from the ledger, and its forecast."""

from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import BigInteger, func, literal, select, union_all
from sqlalchemy.orm import Session

from domain.fiscal import FiscalPeriod, fiscal_period
from domain.variance_investigation import VarianceStart
from domain.variances import LineFigures, VarianceRule, breaching_lines, period_share
from models import CostCenter, GlAccount, LedgerEntry
from models.budgets.forecast import forecast_report
from models.budgets.report_scope import budgets_in_force
from models.purchase_orders.reference import policy_in_force


def period_figures(
    session: Session, month: date, fiscal: FiscalPeriod, *, start_month: int, currency: str
) -> list[LineFigures]:
    """Every line with a budget or an actual in the period (``month`` is its first day), by
    cost center and GL account, each with its forecast for the period when one is known."""
    forecasts = period_forecasts(session, month, fiscal, start_month=start_month, currency=currency)
    return [
        LineFigures(center, gl, budget, actual, forecasts.get((center, gl)))
        for center, gl, budget, actual in _budget_and_actual(session, fiscal)
    ]


def period_forecasts(
    session: Session, month: date, fiscal: FiscalPeriod, *, start_month: int, currency: str
) -> dict[tuple[str, str], int]:
    """The forecast for the period of each line: a twelfth of its year-end forecast as of the
    period's last day (``forecast_report``; the one place that names the forecast model)."""
    last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    report = forecast_report(
        session, fiscal.fiscal_year, last_day, start_month=start_month, currency=currency
    )
    return {
        (line.cost_center, line.gl_account): period_share(line.forecast.forecast_minor)
        for line in report.lines
    }


def _budget_and_actual(session: Session, fiscal: FiscalPeriod) -> list[tuple[str, str, int, int]]:
    """(cost center, GL, budget, actual) of the period per line, summed by Postgres."""
    budget = budgets_in_force(fiscal.fiscal_year)
    zero = literal(0, BigInteger)
    granted = select(
        budget.c.cost_center_id.label("center_id"),
        budget.c.gl_account_id.label("gl_id"),
        budget.c.amount_minor.label("budget"),
        zero.label("actual"),
    ).where(budget.c.period == fiscal.period)
    booked = select(
        LedgerEntry.cost_center_id,
        LedgerEntry.gl_account_id,
        zero,
        LedgerEntry.actual_delta_minor,
    ).where(LedgerEntry.fiscal_year == fiscal.fiscal_year, LedgerEntry.period == fiscal.period)
    both = union_all(granted, booked).subquery("period_lines")
    rows = session.execute(
        select(CostCenter.code, GlAccount.code, func.sum(both.c.budget), func.sum(both.c.actual))
        .select_from(both)
        .join(CostCenter, CostCenter.id == both.c.center_id)
        .join(GlAccount, GlAccount.id == both.c.gl_id)
        .group_by(CostCenter.code, GlAccount.code)
        .order_by(CostCenter.code, GlAccount.code)
    ).all()
    return [(center, gl, int(b), int(a)) for center, gl, b, a in rows]


def variance_rule_in_force(session: Session) -> VarianceRule:
    """The approval policy's ``variance_investigation`` section (its defaults without a policy)."""
    policy = policy_in_force(session)
    return policy.variance_investigation if policy else VarianceRule()


def breaching_starts(
    session: Session, period: str, *, start_month: int, currency: str
) -> list[VarianceStart]:
    """An investigation's start for each line of ``period`` (``YYYY-MM``) breaching the rule in
    force, with the rule's clock."""
    month = date.fromisoformat(f"{period}-01")
    fiscal = fiscal_period(month, start_month)
    rule = variance_rule_in_force(session)
    lines = period_figures(session, month, fiscal, start_month=start_month, currency=currency)
    return [
        VarianceStart(
            period=period,
            cost_center=found.figures.cost_center,
            gl_account=found.figures.gl_account,
            currency=currency,
            budget_minor=found.figures.budget_minor,
            actual_minor=found.figures.actual_minor,
            forecast_minor=found.figures.forecast_minor,
            breached=tuple(str(against) for against in found.breached),
            deadline_minutes=rule.deadline_minutes,
            reminder_minutes=rule.reminder_minutes,
        )
        for found in breaching_lines(lines, rule)
    ]
