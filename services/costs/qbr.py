"""A quarterly business review of an IT service (docs/optimisation.md): its unit cost per month
over the quarter and the one before, its provider cost center's budget against actual per
month, and the savings realised by recommendations done on its resources in the quarter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.costs.governance import DocumentKind
from domain.costs.recommendations import next_month
from domain.fiscal import fiscal_period
from models.budgets.org import CostCenter, ItService
from models.budgets.variance_figures import period_figures
from models.costs.document_store import document_in_force
from models.costs.unit_costs import unit_costs
from services.costs.recommendations import realised_on_services
from services.refusals import RuleRefused

QUARTER_PATTERN = r"^(19|20|21)\d\d-Q[1-4]$"


class ServiceMissing(LookupError):
    """No IT service of that code."""


def quarter_months(quarter: str) -> list[date]:
    """The first days of the quarter's months (``YYYY-Qn``); ``invalid_quarter`` otherwise."""
    if not re.match(QUARTER_PATTERN, quarter):
        raise RuleRefused("invalid_quarter", f"{quarter!r} is not a quarter written YYYY-Qn")
    year, number = int(quarter[:4]), int(quarter[-1])
    return [date(year, 3 * (number - 1) + m, 1) for m in (1, 2, 3)]


def previous_quarter(months: list[date]) -> list[date]:
    first = months[0]
    year, month = (first.year, first.month - 3) if first.month > 3 else (first.year - 1, 10)
    return [date(year, month + m, 1) for m in (0, 1, 2)]


@dataclass(frozen=True)
class UnitCostMonth:
    month: date
    unit: str | None
    quantity: Decimal | None
    effective: Decimal | None  # the month's cost of the service, model currency
    per_unit: Decimal | None


@dataclass(frozen=True)
class BudgetMonth:
    month: date
    budget_minor: int
    actual_minor: int


@dataclass(frozen=True)
class Review:
    service: str
    name: str
    quarter: str
    cost_center: str
    currency: str  # the unit-cost model's, else the base currency
    unit_costs: list[UnitCostMonth]
    budget: list[BudgetMonth]  # in the base currency
    realised_minor: dict[str, int]  # per currency


def quarterly_review(
    session: Session, code: str, quarter: str, *, currency: str, start_month: int
) -> Review:
    """The review of service ``code`` for ``quarter``; ``ServiceMissing`` for an unknown code,
    ``invalid_quarter`` for a quarter not written YYYY-Qn."""
    months = quarter_months(quarter)
    service = session.scalars(select(ItService).where(ItService.code == code)).one_or_none()
    if service is None:
        raise ServiceMissing(f"no IT service {code}")
    center = session.get_one(CostCenter, service.provider_cost_center_id)
    model = document_in_force(session, DocumentKind.UNIT_COST_MODEL, datetime.now(UTC))
    document: dict[str, Any] = model.document if model else {}
    trend = [_unit_cost(session, document, code, m) for m in previous_quarter(months) + months]
    budget = [_budget(session, center.code, m, currency, start_month) for m in months]
    realised = realised_on_services(
        session, _cloud_services(document, code), months[0], next_month(months[-1])
    )
    model_currency = document.get("currency", currency)
    return Review(code, service.name, quarter, center.code, model_currency, trend, budget, realised)


def _unit_cost(session: Session, document: dict[str, Any], code: str, month: date) -> UnitCostMonth:
    costs = unit_costs(session, document, month) if document else []
    found = [u for u in costs if u.service == code]
    if not found:
        return UnitCostMonth(month, None, None, None, None)
    cost = found[0]
    return UnitCostMonth(month, cost.unit, cost.quantity, cost.effective, cost.per_unit)


def _budget(
    session: Session, center: str, month: date, currency: str, start_month: int
) -> BudgetMonth:
    fiscal = fiscal_period(month, start_month)
    figures = period_figures(session, month, fiscal, start_month=start_month, currency=currency)
    lines = [line for line in figures if line.cost_center == center]
    return BudgetMonth(
        month, sum(line.budget_minor for line in lines), sum(line.actual_minor for line in lines)
    )


def _cloud_services(document: dict[str, Any], code: str) -> list[str]:
    """The cloud services (FOCUS ServiceName) the unit-cost model prices ``code`` from."""
    names: list[str] = []
    for service in document.get("services", []):
        if service.get("service") == code:
            for pool in service.get("pools", []):
                names += pool.get("lines", {}).get("service_name", [])
    return names
