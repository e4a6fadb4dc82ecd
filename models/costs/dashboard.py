"""The monthly expense dashboard of one month for one reader: the drill-down business unit ->
cost center -> service -> resource, the trend over twelve months, cost by category, the top
movers against the previous month, departments and service lines month on month and year on
year, and each cost center's budget against its actual and forecast. Money in minor units of
the base currency; a cost-center owner's dashboard holds only their centers' figures."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from domain.costs.dashboard import (
    Compared,
    CostFact,
    compared,
    monthly_totals,
    movers,
    trailing_months,
)
from models.costs.dashboard_budgets import BudgetPosition, budget_positions
from models.costs.dashboard_sql import FactFilter, cost_facts

UNASSIGNED = "(no cost center)"
LEVELS = ("business_unit", "cost_center", "service", "resource")


@dataclass(frozen=True)
class Drill:
    """Where the reader stands in the drill-down (each narrower than the one before)."""

    business_unit: str | None = None
    cost_center: str | None = None
    service: str | None = None

    @property
    def level(self) -> str:
        """What the breakdown lists: the level below the narrowest one chosen."""
        chosen = (self.business_unit, self.cost_center, self.service)
        return LEVELS[max((i + 1 for i, value in enumerate(chosen) if value), default=0)]


@dataclass(frozen=True)
class Dashboard:
    month: str  # YYYY-MM
    currency: str
    drill: Drill
    total: Compared
    breakdown: list[Compared]
    trend_months: list[str]
    trend: list[int]
    categories: list[Compared]
    rising: list[Compared]
    falling: list[Compared]
    departments: list[Compared]
    service_lines: list[Compared]
    budgets: list[BudgetPosition] = field(default_factory=list)


def expense_dashboard(
    session: Session,
    month: str,
    drill: Drill,
    centers: frozenset[int] | None,
    *,
    currency: str,
    start_month: int,
) -> Dashboard:
    """The dashboard of ``month`` (YYYY-MM) at ``drill``, of ``centers`` only (None: every
    cost center and the cost none owns)."""
    wanted = FactFilter(
        centers, drill.business_unit, drill.cost_center, drill.service, drill.service is not None
    )
    months = trailing_months(month, 13)  # the year-ago month and the twelve since
    facts = cost_facts(session, months, currency, wanted)
    services = compared(facts, month, lambda f: f.service)
    rising, falling = movers(services)
    year, number = int(month[:4]), int(month[5:7])
    as_of = date(year, number, monthrange(year, number)[1])
    return Dashboard(
        month=month,
        currency=currency,
        drill=drill,
        total=(compared(facts, month, lambda f: "total") or [Compared("total", 0, 0, 0)])[0],
        breakdown=compared(facts, month, _level_key(drill.level)),
        trend_months=months[1:],
        trend=monthly_totals(facts, months[1:]),
        categories=compared(facts, month, lambda f: f.category),
        rising=rising,
        falling=falling,
        departments=compared(facts, month, lambda f: f.cost_center or UNASSIGNED),
        service_lines=services,
        budgets=budget_positions(
            session, as_of, centers, drill, currency=currency, start_month=start_month
        ),
    )


def _level_key(level: str) -> Callable[[CostFact], str]:
    def key(fact: CostFact) -> str:
        value = {
            "business_unit": fact.business_unit,
            "cost_center": fact.cost_center,
            "service": fact.service,
            "resource": fact.resource,
        }[level]
        return value or UNASSIGNED

    return key
