"""Forecast pages: the budget report's form to plan a dated adjustment on a line (finance,
FinOps, admins) and to delete one (finance, admins), and each cloud service's forecast with its
backtest."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from api.cost_access import SPEND_READERS
from api.deps import RuntimeDep, SessionDep
from api.errors import Refused
from api.forecast_input import PLANNERS, REMOVERS, plan_adjustment, remove_adjustment
from api.report_params import report_of
from api.schemas.forecasts import AdjustmentIn
from api.web.render import flash, render
from api.web.session import CsrfChecked, page_role
from domain.money import Money
from models.forecasts.records import AdjustmentKind
from models.forecasts.series import BAND_PERCENT
from models.forecasts.services import service_forecasts
from models.people.records import User

router = APIRouter(prefix="/reports/forecast", include_in_schema=False)
Planner = Annotated[User, Depends(page_role(*PLANNERS))]
Remover = Annotated[User, Depends(page_role(*REMOVERS))]
CostReader = Annotated[User, Depends(page_role(*SPEND_READERS))]
Text = Annotated[str, Form()]


@router.post("/adjustments", dependencies=[CsrfChecked])
def add_adjustment(
    request: Request,
    user: Planner,
    session: SessionDep,
    runtime: RuntimeDep,
    cost_center: Text,
    gl_account: Text,
    fiscal_year: Annotated[int, Form()],
    period: Annotated[int, Form()],
    amount: Text,
    note: Text,
    kind: Annotated[AdjustmentKind, Form()] = AdjustmentKind.PROJECT_RAMP,
) -> RedirectResponse:
    base = runtime.settings.base_currency
    body = _adjustment(cost_center, gl_account, fiscal_year, period, amount, base, kind, note)
    line = plan_adjustment(session, body, base, user.username)
    flash(request, f"Planned {amount} {base} on {line.cost_center}/{line.gl_account} P{period}")
    return _back_to(cost_center, fiscal_year)


@router.post("/adjustments/{adjustment_id}/delete", dependencies=[CsrfChecked])
def delete_adjustment(
    request: Request,
    adjustment_id: int,
    user: Remover,
    session: SessionDep,
    cost_center: Text,
    fiscal_year: Annotated[int, Form()],
) -> RedirectResponse:
    remove_adjustment(session, adjustment_id, user.username)
    flash(request, f"Deleted forecast adjustment {adjustment_id}")
    return _back_to(cost_center, fiscal_year)


@router.get("/services", response_class=HTMLResponse)
def services_page(
    request: Request,
    user: CostReader,
    session: SessionDep,
    runtime: RuntimeDep,
    source: str | None = None,
) -> HTMLResponse:
    currency = runtime.settings.base_currency
    lines = report_of(lambda: service_forecasts(session, currency, 30, source or None))
    context = {
        "title": "Service forecasts",
        "lines": lines,
        "currency": currency,
        "band_percent": BAND_PERCENT,
    }
    return render(request, "reports/service_forecasts.html", context, user)


def _adjustment(
    center: str, gl: str, year: int, period: int, amount: str, base: str, kind: str, note: str
) -> AdjustmentIn:
    """The form's fields as the API's body; 422 ``invalid_amount`` or ``invalid_adjustment``."""
    try:
        minor = Money.parse(amount.strip(), base).minor
    except (ArithmeticError, ValueError) as bad:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"{amount!r} is not an amount in {base} (e.g. 12000.00)",
            rule="invalid_amount",
        ) from bad
    try:
        return AdjustmentIn(
            cost_center=center,
            gl_account=gl,
            fiscal_year=year,
            period=period,
            amount_minor=minor,
            currency=base,
            kind=AdjustmentKind(kind),
            note=note.strip(),
        )
    except ValidationError as bad:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in bad.errors())
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT, problems, rule="invalid_adjustment"
        ) from bad


def _back_to(cost_center: str, fiscal_year: int) -> RedirectResponse:
    return RedirectResponse(
        f"/reports/budget/{quote(cost_center, safe='')}?fiscal_year={fiscal_year}#forecast-heading",
        status_code=status.HTTP_303_SEE_OTHER,
    )
