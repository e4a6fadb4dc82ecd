"""The budget report: budget, reserved, committed, actual and available per cost center x GL
account x period of a fiscal year, each cost center's figures including its descendants'.

Figures are summed by Postgres (GROUP BY over the ledger and the budget lines in force, joined to
the cost-center closure), so the cost of a report grows with the lines reported, not the entries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import BigInteger, Subquery, func, literal, select, union_all
from sqlalchemy.orm import Session

from domain.budget import LineBalance
from models import BudgetAlert, GlAccount, LedgerEntry
from models.budgets.cloud_actuals import cloud_actuals
from models.budgets.report_scope import (
    CenterNode,
    budgets_in_force,
    centers_in_scope,
    gl_accounts,
    hierarchy,
)

NOTHING = LineBalance(0, 0, 0, 0)
Line = tuple[int, int, int]  # cost_center_id, gl_account_id, period


@dataclass(frozen=True)
class PeriodFigures:
    """One period of a cost center x GL line; ``alert_percent`` is the highest threshold an
    alert was raised at on the cost center's own line for that period (None: no alert)."""

    period: int
    figures: LineBalance
    alert_percent: int | None = None
    cloud_actual_minor: int = 0  # the part of the actual booked from cloud cost data

    @property
    def moved(self) -> bool:
        """Whether the period has a budget or any movement worth a row."""
        return self.figures != NOTHING


@dataclass(frozen=True)
class AccountYear:
    """A cost center x GL account over the fiscal year: its twelve periods and their total."""

    gl_account: str
    gl_name: str
    periods: list[PeriodFigures]
    total: LineBalance

    @property
    def cloud_actual_minor(self) -> int:
        return sum(period.cloud_actual_minor for period in self.periods)


@dataclass(frozen=True)
class CenterReport:
    center: CenterNode
    accounts: list[AccountYear]
    total: LineBalance


@dataclass(frozen=True)
class BudgetReport:
    fiscal_year: int
    currency: str
    centers: list[CenterReport]


def budget_report(
    session: Session, fiscal_year: int, currency: str, cost_center: str | None = None
) -> BudgetReport:
    """Every cost center in scope (``cost_center`` and its descendants, or all), each with the
    GL accounts that have a budget or a movement in the year under it, rolled up.
    Raises UnknownCostCenter for an unknown ``cost_center``."""
    nodes = centers_in_scope(session, cost_center)
    figures = rolled_up(session, fiscal_year, [node.id for node in nodes])
    alerts = alert_levels(session, fiscal_year)
    cloud = cloud_actuals(session, fiscal_year, [node.id for node in nodes])
    accounts = gl_accounts(session)
    grouped: dict[int, dict[int, dict[int, LineBalance]]] = defaultdict(lambda: defaultdict(dict))
    for (center_id, gl_id, period), balance in figures.items():
        grouped[center_id][gl_id][period] = balance
    centers = []
    for node in nodes:
        years = sorted(
            (
                _account_year(accounts[gl_id], by_period, alerts, cloud, node.id)
                for gl_id, by_period in grouped[node.id].items()
            ),
            key=lambda year: year.gl_account,
        )
        centers.append(CenterReport(node, years, total(year.total for year in years)))
    return BudgetReport(fiscal_year, currency, centers)


def rolled_up(
    session: Session, fiscal_year: int, center_ids: Iterable[int]
) -> dict[Line, LineBalance]:
    """Per (cost center, GL, period) of the year: budget in force and ledger sums of the center
    and all its descendants. Lines with neither a budget nor an entry are left out."""
    own = own_figures(fiscal_year)
    tree = hierarchy()
    rows = session.execute(
        select(
            tree.c.ancestor_id,
            own.c.gl_id,
            own.c.period,
            func.sum(own.c.budget),
            func.sum(own.c.reserved),
            func.sum(own.c.committed),
            func.sum(own.c.actual),
        )
        .join(tree, tree.c.descendant_id == own.c.center_id)
        .where(tree.c.ancestor_id.in_(list(center_ids)))
        .group_by(tree.c.ancestor_id, own.c.gl_id, own.c.period)
    ).all()
    return {
        (center, gl, period): LineBalance(int(b), int(r), int(c), int(a))
        for center, gl, period, b, r, c, a in rows
    }


def own_figures(fiscal_year: int) -> Subquery:
    """The year's budget lines in force and ledger sums, one row each (center_id, gl_id,
    period, budget, reserved, committed, actual): sum them by line for a line's own figures."""
    budget = budgets_in_force(fiscal_year)
    zero = literal(0, BigInteger)
    granted = select(
        budget.c.cost_center_id.label("center_id"),
        budget.c.gl_account_id.label("gl_id"),
        budget.c.period,
        budget.c.amount_minor.label("budget"),
        zero.label("reserved"),
        zero.label("committed"),
        zero.label("actual"),
    )
    movements = select(
        LedgerEntry.cost_center_id,
        LedgerEntry.gl_account_id,
        LedgerEntry.period,
        zero,
        func.sum(LedgerEntry.reserved_delta_minor),
        func.sum(LedgerEntry.committed_delta_minor),
        func.sum(LedgerEntry.actual_delta_minor),
    ).where(LedgerEntry.fiscal_year == fiscal_year)
    movements = movements.group_by(
        LedgerEntry.cost_center_id, LedgerEntry.gl_account_id, LedgerEntry.period
    )
    return union_all(granted, movements).subquery("own")


def alert_levels(session: Session, fiscal_year: int) -> dict[Line, int]:
    """The highest threshold raised per own budget line of the year."""
    rows = session.execute(
        select(
            BudgetAlert.cost_center_id,
            BudgetAlert.gl_account_id,
            BudgetAlert.period,
            func.max(BudgetAlert.threshold_percent),
        )
        .where(BudgetAlert.fiscal_year == fiscal_year)
        .group_by(BudgetAlert.cost_center_id, BudgetAlert.gl_account_id, BudgetAlert.period)
    ).all()
    return {(center, gl, period): int(level) for center, gl, period, level in rows}


def total(balances: Iterable[LineBalance]) -> LineBalance:
    """The sum of several balances, figure by figure."""
    budget = reserved = committed = actual = 0
    for balance in balances:
        budget += balance.budget_minor
        reserved += balance.reserved_minor
        committed += balance.committed_minor
        actual += balance.actual_minor
    return LineBalance(budget, reserved, committed, actual)


def _account_year(
    gl: GlAccount,
    by_period: dict[int, LineBalance],
    alerts: dict[Line, int],
    cloud: dict[Line, int],
    center_id: int,
) -> AccountYear:
    periods = [
        PeriodFigures(
            p,
            by_period.get(p, NOTHING),
            alerts.get((center_id, gl.id, p)),
            cloud.get((center_id, gl.id, p), 0),
        )
        for p in range(1, 13)
    ]
    return AccountYear(gl.code, gl.name, periods, total(by_period.values()))
