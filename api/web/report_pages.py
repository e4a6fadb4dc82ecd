"""Budget report pages for finance, procurement, auditors and admins: the budget report with a
chart per line, a cost center's burn-down and forecast, a line's drill-down, and the monthly
commitment report. Charts are drawn by ``api.web.charts``; the CSV is the API's, served to the
session.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import RuntimeDep, SessionDep
from api.report_csv import budget_csv
from api.report_params import REPORT_READERS, UNDELIVERED_READERS, report_of, report_period
from api.web.charts import Bar, Series, line_chart, stacked_bars
from api.web.forecast_context import adjustments_context
from api.web.render import render
from api.web.session import page_role
from models import CostCenter
from models.budgets.alert_report import alert_report
from models.budgets.burndown import CenterBurnDown, PoBurnStep, center_burn_down, po_burn_down
from models.budgets.commitment_report import commitment_report
from models.budgets.drilldown import line_detail
from models.budgets.forecast import forecast_report
from models.budgets.reports import AccountYear, budget_report
from models.people.records import User
from models.purchase_orders.undelivered_report import undelivered_report

router = APIRouter(prefix="/reports", include_in_schema=False)
Reader = Annotated[User, Depends(page_role(*REPORT_READERS))]


@router.get("/budget", response_class=HTMLResponse)
def budget_page(
    request: Request,
    user: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: int | None = None,
    cost_center: str | None = None,
) -> HTMLResponse:
    year = report_period(runtime.settings, date.today(), fiscal_year).fiscal_year
    cost_center = cost_center or None
    currency = runtime.settings.base_currency
    report = report_of(lambda: budget_report(session, year, currency, cost_center))
    charts = {
        f"{part.center.code}/{account.gl_account}": account_chart(
            part.center.code, account, year, currency
        )
        for part in report.centers
        for account in part.accounts
    }
    context = {
        "title": f"Budget FY{year}",
        "report": report,
        "charts": charts,
        "alerts": alert_report(session, year, cost_center),
        "centers": center_codes(session),
        "cost_center": cost_center or "",
        "csv_query": urlencode({"fiscal_year": year, "cost_center": cost_center or ""}),
    }
    return render(request, "reports/budget.html", context, user)


@router.get("/budget.csv", response_class=Response)
def budget_csv_download(
    _: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: int | None = None,
    cost_center: str | None = None,
) -> Response:
    """The same CSV as ``/api/reports/budget.csv``, for a signed-in browser."""
    year = report_period(runtime.settings, date.today(), fiscal_year).fiscal_year
    currency = runtime.settings.base_currency
    report = report_of(lambda: budget_report(session, year, currency, cost_center or None))
    return Response(
        budget_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="budget-FY{year}.csv"'},
    )


@router.get(
    "/budget/lines/{cost_center}/{gl_account}/{fiscal_year}/{period}", response_class=HTMLResponse
)
def line_page(
    request: Request,
    cost_center: str,
    gl_account: str,
    fiscal_year: int,
    period: int,
    user: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
) -> HTMLResponse:
    at = report_period(runtime.settings, date.today(), fiscal_year, period)
    detail = report_of(
        lambda: line_detail(session, cost_center, gl_account, at.fiscal_year, at.period)
    )
    context = {
        "title": f"{cost_center}/{gl_account} FY{at.fiscal_year} P{at.period}",
        "detail": detail,
        "currency": runtime.settings.base_currency,
    }
    return render(request, "reports/line.html", context, user)


@router.get("/budget/{cost_center}", response_class=HTMLResponse)
def cost_center_page(
    request: Request,
    cost_center: str,
    user: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: int | None = None,
    today: date | None = None,
) -> HTMLResponse:
    settings, as_of = runtime.settings, today or date.today()
    year = report_period(settings, as_of, fiscal_year).fiscal_year
    currency = settings.base_currency
    burn = report_of(lambda: center_burn_down(session, cost_center, year, currency))
    forecast = forecast_report(
        session,
        year,
        as_of,
        start_month=settings.fiscal_year_start_month,
        currency=currency,
        cost_center=cost_center,
    )
    context = {
        "title": f"{cost_center} FY{year}",
        "cost_center": cost_center,
        "fiscal_year": year,
        "currency": currency,
        "burn": burn,
        "chart": burn_down_chart(burn),
        "forecast": forecast,
        "alerts": alert_report(session, year, cost_center),
        **adjustments_context(session, user, year, cost_center),
    }
    return render(request, "reports/cost_center.html", context, user)


@router.get("/commitments", response_class=HTMLResponse)
def commitments_page(
    request: Request,
    user: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: int | None = None,
    period: int | None = None,
    cost_center: str | None = None,
) -> HTMLResponse:
    at = report_period(runtime.settings, date.today(), fiscal_year, period)
    currency = runtime.settings.base_currency
    report = report_of(lambda: commitment_report(session, at, currency, cost_center or None))
    context = {
        "title": f"Commitments FY{at.fiscal_year} P{at.period}",
        "report": report,
        "centers": center_codes(session),
        "cost_center": cost_center or "",
    }
    return render(request, "reports/commitments.html", context, user)


def account_chart(center: str, account: AccountYear, year: int, currency: str) -> Markup:
    """The twelve periods of a cost center x GL line as stacked bars against the budget."""
    bars = [Bar.of(f"P{p.period}", p.figures) for p in account.periods]
    title = f"{center}/{account.gl_account} FY{year}: actual, committed and reserved by period"
    return stacked_bars(bars, title=title, currency=currency)


def burn_down_chart(burn: CenterBurnDown) -> Markup:
    """Cumulative budget, cumulative consumption and what remains, period by period."""
    points = burn.points
    return line_chart(
        [f"P{point.period}" for point in points],
        [
            Series("budget (cumulative)", [p.budget_cumulative_minor for p in points], "#1e7a43"),
            Series(
                "consumed (cumulative)",
                [p.consumed_cumulative_minor for p in points],
                "#1f5fbf",
                dashed=True,
            ),
            Series("remaining", [p.remaining_minor for p in points], "#b3261e"),
        ],
        title=f"Burn-down of {burn.cost_center}, FY{burn.fiscal_year}",
        currency=burn.currency,
    )


def po_commitment_chart(session: Session, po_number: str) -> Markup | None:
    """The PO's open commitment and invoiced total after each of its budget steps (a delay's
    moves between periods are one point, not a dip); None without an entry."""
    burn = po_burn_down(session, po_number)
    if burn is None:
        return None
    steps: dict[str, list[PoBurnStep]] = {}
    for step in burn.steps:
        steps.setdefault(step.step, []).append(step)
    labels = [_step_label(n, entries) for n, entries in enumerate(steps.values(), start=1)]
    last = [entries[-1] for entries in steps.values()]
    return line_chart(
        labels,
        [
            Series("open commitment", [s.open_after_minor for s in last], "#1f5fbf"),
            Series("invoiced", [s.invoiced_after_minor for s in last], "#1e7a43", dashed=True),
        ],
        title=f"Open commitment of {po_number} after each budget step",
        currency=burn.currency,
    )


def _step_label(number: int, entries: list[PoBurnStep]) -> str:
    kinds = dict.fromkeys(entry.kind for entry in entries if entry.kind != "actual")
    return f"{number}. {'/'.join(kinds) or 'actual'}"


def center_codes(session: Session) -> list[str]:
    return list(session.scalars(select(CostCenter.code).order_by(CostCenter.code)))


@router.get("/undelivered", response_class=HTMLResponse)
def undelivered_page(
    request: Request,
    user: Annotated[User, Depends(page_role(*UNDELIVERED_READERS))],
    session: SessionDep,
) -> HTMLResponse:
    """What the POs could not send (``models.purchase_orders.undelivered_report``)."""
    context = {"title": "Undelivered", "lines": undelivered_report(session)}
    return render(request, "reports/undelivered.html", context, user)
