"""Bodies of the expense dashboard and summary subscription API: amounts in integer minor
units of the base currency."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.costs.dashboard import Compared
from domain.expense_summary import Frequency, schedule_id
from models.costs.dashboard import Dashboard
from models.costs.dashboard_budgets import BudgetPosition
from models.costs.expense_subscriptions import Subscription


class ComparedOut(BaseModel):
    name: str
    amount_minor: int
    previous_month_minor: int
    month_on_month_minor: int
    year_ago_minor: int
    year_on_year_minor: int

    @classmethod
    def of(cls, row: Compared) -> ComparedOut:
        return cls(
            name=row.key,
            amount_minor=row.amount_minor,
            previous_month_minor=row.previous_minor,
            month_on_month_minor=row.month_on_month_minor,
            year_ago_minor=row.year_ago_minor,
            year_on_year_minor=row.year_on_year_minor,
        )


class BudgetPositionOut(BaseModel):
    cost_center: str
    budget_minor: int
    actual_minor: int
    forecast_minor: int
    variance_minor: int

    @classmethod
    def of(cls, row: BudgetPosition) -> BudgetPositionOut:
        return cls(
            cost_center=row.cost_center,
            budget_minor=row.budget_minor,
            actual_minor=row.actual_minor,
            forecast_minor=row.forecast_minor,
            variance_minor=row.variance_minor,
        )


class TrendPointOut(BaseModel):
    period: str
    amount_minor: int


class DashboardOut(BaseModel):
    period: str
    currency: str
    business_unit: str | None
    cost_center: str | None
    service: str | None
    level: str  # what ``breakdown`` lists: business_unit, cost_center, service or resource
    total: ComparedOut
    breakdown: list[ComparedOut]
    trend: list[TrendPointOut]
    categories: list[ComparedOut]
    top_increases: list[ComparedOut]
    top_decreases: list[ComparedOut]
    cost_centers: list[ComparedOut]
    services: list[ComparedOut]
    budgets: list[BudgetPositionOut]

    @classmethod
    def of(cls, board: Dashboard) -> DashboardOut:
        rows = ComparedOut.of
        return cls(
            period=board.month,
            currency=board.currency,
            business_unit=board.drill.business_unit,
            cost_center=board.drill.cost_center,
            service=board.drill.service,
            level=board.drill.level,
            total=rows(board.total),
            breakdown=[rows(r) for r in board.breakdown],
            trend=[
                TrendPointOut(period=m, amount_minor=a)
                for m, a in zip(board.trend_months, board.trend, strict=True)
            ],
            categories=[rows(r) for r in board.categories],
            top_increases=[rows(r) for r in board.rising],
            top_decreases=[rows(r) for r in board.falling],
            cost_centers=[rows(r) for r in board.departments],
            services=[rows(r) for r in board.service_lines],
            budgets=[BudgetPositionOut.of(b) for b in board.budgets],
        )


class SubscriptionIn(BaseModel):
    cost_centers: list[str] = Field(
        default_factory=list, max_length=100, description="none: all you may read when sent"
    )
    frequency: Frequency = Frequency.MONTHLY
    day: int = Field(1, description="monthly: 1..28; weekly: 1..7, Monday 1")


class SubscriptionOut(BaseModel):
    username: str
    cost_centers: list[str]
    frequency: Frequency
    day: int
    active: bool
    schedule_id: str

    @classmethod
    def of(cls, row: Subscription) -> SubscriptionOut:
        return cls(
            username=row.username,
            cost_centers=list(row.cost_centers),
            frequency=row.frequency,
            day=row.day,
            active=row.active,
            schedule_id=schedule_id(row.username),
        )
