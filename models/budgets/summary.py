"""Finance's summary of a fiscal year: the headline figures of the cost centers in scope, the
budget lines (cost center x GL x period) over budget and by how much, the cost center x GL lines
that used the largest share of their year's budget, and the year by period and by cost center.

Every figure is a line's own (a parent's lines without its children's), so the totals count
each entry once; the budget report rolls children up instead."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.budget import LineBalance
from models.budgets.cloud_actuals import cloud_actuals
from models.budgets.report_scope import centers_in_scope, gl_accounts
from models.budgets.reports import own_figures, total


@dataclass(frozen=True)
class LineFigures:
    """A cost center x GL line's own figures, for one period or (``period`` None) the year."""

    cost_center: str
    gl_account: str
    figures: LineBalance
    period: int | None = None

    @property
    def over_minor(self) -> int:
        """How much more is consumed than budgeted (negative: what is left)."""
        return -self.figures.available_minor


@dataclass(frozen=True)
class BudgetSummary:
    fiscal_year: int
    currency: str
    total: LineBalance
    over_budget: list[LineFigures]  # periods consuming more than their budget, most over first
    most_used: list[LineFigures]  # year lines with a budget, largest share used first
    by_period: list[LineBalance]  # periods 1..12
    by_center: list[tuple[str, LineBalance]]  # cost centers in tree order, those with figures
    cloud_actual_minor: int = 0  # the part of the actual booked from cloud cost data


def budget_summary(
    session: Session, fiscal_year: int, currency: str, cost_center: str | None = None, top: int = 5
) -> BudgetSummary:
    """The summary of ``cost_center`` and its descendants (or every cost center) over the year,
    with the ``top`` most used lines. Raises UnknownCostCenter for an unknown ``cost_center``."""
    lines = own_lines(session, fiscal_year, cost_center)
    years: dict[tuple[str, str], list[LineBalance]] = defaultdict(list)
    periods: dict[int, list[LineBalance]] = defaultdict(list)
    centers: dict[str, list[LineBalance]] = defaultdict(list)
    for line in lines:
        years[(line.cost_center, line.gl_account)].append(line.figures)
        periods[line.period or 0].append(line.figures)
        centers[line.cost_center].append(line.figures)
    year_lines = [LineFigures(cc, gl, total(parts)) for (cc, gl), parts in years.items()]
    budgeted = [line for line in year_lines if line.figures.budget_minor > 0]
    budgeted.sort(key=lambda line: _share_used(line.figures), reverse=True)
    scope = [node.id for node in centers_in_scope(session, cost_center)]
    cloud = cloud_actuals(session, fiscal_year, scope, rolled_up=False)
    over = sorted(
        (line for line in lines if line.over_minor > 0), key=lambda line: -line.over_minor
    )
    return BudgetSummary(
        fiscal_year,
        currency,
        total(line.figures for line in lines),
        over,
        budgeted[:top],
        [total(periods[period]) for period in range(1, 13)],
        [(code, total(parts)) for code, parts in centers.items()],
        sum(cloud.values()),
    )


def own_lines(session: Session, fiscal_year: int, cost_center: str | None) -> list[LineFigures]:
    """Each budget line in scope with a budget or a movement in the year, its own figures, in
    cost-center tree order then GL account and period."""
    nodes = centers_in_scope(session, cost_center)
    order = {node.id: index for index, node in enumerate(nodes)}
    codes = {node.id: node.code for node in nodes}
    accounts = gl_accounts(session)
    own = own_figures(fiscal_year)
    sums = [func.sum(own.c[name]) for name in ("budget", "reserved", "committed", "actual")]
    found = session.execute(
        select(own.c.center_id, own.c.gl_id, own.c.period, *sums)
        .where(own.c.center_id.in_(list(codes)))
        .group_by(own.c.center_id, own.c.gl_id, own.c.period)
    ).all()
    rows = sorted(found, key=lambda row: (order[row[0]], accounts[row[1]].code, row[2]))
    return [
        LineFigures(
            codes[center], accounts[gl].code, LineBalance(int(b), int(r), int(c), int(a)), period
        )
        for center, gl, period, b, r, c, a in rows
    ]


def _share_used(figures: LineBalance) -> Fraction:
    return Fraction(figures.consumed_minor, figures.budget_minor)
