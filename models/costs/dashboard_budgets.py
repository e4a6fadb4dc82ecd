"""Each cost center's budget for the fiscal year against its actual to date and its year-end
forecast, as of a month's last day, for the expense dashboard.

The forecast comes through ``year_end_forecasts`` alone, so another forecasting model replaces
it in one place."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from domain.fiscal import fiscal_period
from models.budgets.forecast import forecast_report
from models.budgets.report_scope import centers_in_scope

if TYPE_CHECKING:
    from models.costs.dashboard import Drill


@dataclass(frozen=True)
class BudgetPosition:
    """A cost center's own budget lines of the fiscal year, summed."""

    cost_center: str
    budget_minor: int
    actual_minor: int
    forecast_minor: int

    @property
    def variance_minor(self) -> int:
        """Budget left at year end by the forecast; negative when it overspends."""
        return self.budget_minor - self.forecast_minor


def year_end_forecasts(
    session: Session, as_of: date, *, currency: str, start_month: int
) -> list[BudgetPosition]:
    """Per cost center with a budget or an entry in ``as_of``'s fiscal year: budget, actual
    and year-end forecast (the budget reports' forecast, ``models.budgets.forecast``)."""
    fiscal_year = fiscal_period(as_of, start_month).fiscal_year
    report = forecast_report(
        session, fiscal_year, as_of, start_month=start_month, currency=currency
    )
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in report.lines:
        figures = sums[line.cost_center]
        figures[0] += line.forecast.budget_minor
        figures[1] += line.forecast.actual_minor
        figures[2] += line.forecast.forecast_minor
    return [BudgetPosition(center, *figures) for center, figures in sorted(sums.items())]


def budget_positions(
    session: Session,
    as_of: date,
    centers: frozenset[int] | None,
    drill: Drill,
    *,
    currency: str,
    start_month: int,
) -> list[BudgetPosition]:
    """The positions of the cost centers the reader may see (``centers`` None: all) within the
    drill-down's business unit or cost center subtree."""
    visible = _codes_in(session, centers, drill)
    positions = year_end_forecasts(session, as_of, currency=currency, start_month=start_month)
    return [p for p in positions if p.cost_center in visible]


def _codes_in(session: Session, centers: frozenset[int] | None, drill: Drill) -> set[str]:
    root = drill.cost_center or drill.business_unit
    try:
        nodes = centers_in_scope(session, root)
    except LookupError:
        return set()
    return {n.code for n in nodes if centers is None or n.id in centers}
