"""Forecast inputs and service forecasts over JSON: dated adjustments on budget lines (finance,
FinOps and admins record them; finance and admins delete them; report readers list them), and
each cloud service's daily forecast with its backtest (cost readers and FinOps).

The budget lines' year-end forecasts themselves are ``/api/reports/forecast``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status

from api.cost_access import SPEND_READERS
from api.deps import RuntimeDep, SessionDep, require_role
from api.forecast_input import PLANNERS, REMOVERS, plan_adjustment, remove_adjustment
from api.problems import Problem
from api.report_params import REPORT_READERS, report_of, report_period
from api.schemas.forecasts import (
    AdjustmentIn,
    AdjustmentOut,
    ServiceForecastOut,
    ServiceForecastsOut,
)
from domain.catalog import Role
from models.budgets.report_scope import centers_in_scope
from models.forecasts.adjustments import adjustments_of_year
from models.forecasts.series import BAND_PERCENT
from models.forecasts.services import service_forecasts
from models.people.records import User

# An unknown cost center, GL account, source or adjustment is named in a 404.
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Refused: `rule` says why"}
}
router = APIRouter(prefix="/api/forecasts", tags=["reports"], responses=_NOT_FOUND)
Reader = Annotated[User, Depends(require_role(*REPORT_READERS, Role.FINOPS))]
Planner = Annotated[User, Depends(require_role(*PLANNERS))]
Remover = Annotated[User, Depends(require_role(*REMOVERS))]
CostReader = Annotated[User, Depends(require_role(*SPEND_READERS))]


@router.get("/adjustments")
def list_adjustments(
    _: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: Annotated[int | None, Query(description="Today's when left out.")] = None,
    cost_center: Annotated[str | None, Query(description="It and its descendants.")] = None,
) -> list[AdjustmentOut]:
    """The year's dated adjustments by cost center, GL account and period."""
    year = report_period(runtime.settings, date.today(), fiscal_year).fiscal_year
    ids = report_of(lambda: [c.id for c in centers_in_scope(session, cost_center or None)])
    return [AdjustmentOut.of(line) for line in adjustments_of_year(session, year, ids)]


@router.post("/adjustments", status_code=status.HTTP_201_CREATED)
def add_adjustment(
    body: AdjustmentIn, user: Planner, session: SessionDep, runtime: RuntimeDep
) -> AdjustmentOut:
    """Records an amount planned on a line in a period; 422 ``currency_not_base`` unless in the
    base currency (the forecast is), 404 for an unknown cost center or GL account."""
    base = runtime.settings.base_currency
    return AdjustmentOut.of(plan_adjustment(session, body, base, user.username))


@router.delete("/adjustments/{adjustment_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_adjustment(
    adjustment_id: Annotated[int, Path(ge=1, le=2**63 - 1)], user: Remover, session: SessionDep
) -> Response:
    """Deletes an adjustment (finance and admins); 404 when there is none with that id."""
    remove_adjustment(session, adjustment_id, user.username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/services")
def services(
    _: CostReader,
    session: SessionDep,
    runtime: RuntimeDep,
    days: Annotated[int, Query(ge=1, le=366, description="Days to forecast.")] = 30,
    source: Annotated[str | None, Query(description="One cost source; all when left out.")] = None,
) -> ServiceForecastsOut:
    """Per service, the next ``days`` days after the last one loaded: forecast, 80 % band,
    method and why, and the backtest on the last 7 days (model vs run rate)."""
    currency = runtime.settings.base_currency
    lines = report_of(lambda: service_forecasts(session, currency, days, source or None))
    return ServiceForecastsOut(
        currency=currency,
        band_percent=BAND_PERCENT,
        services=[ServiceForecastOut.of(line) for line in lines],
    )
