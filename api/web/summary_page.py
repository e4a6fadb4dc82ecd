"""Finance's summary page (``/reports/summary``): the year's headline figures, the budget lines
over budget, the lines most used, and two charts, each linking to the detailed reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api.deps import RuntimeDep, SessionDep
from api.report_params import REPORT_READERS, report_of, report_period
from api.web.charts import Bar, stacked_bars
from api.web.render import render
from api.web.report_pages import center_codes
from api.web.session import page_role
from models.budgets.summary import budget_summary
from models.people.records import User

router = APIRouter(prefix="/reports", include_in_schema=False)


@router.get("/summary", response_class=HTMLResponse)
def summary_page(
    request: Request,
    user: Annotated[User, Depends(page_role(*REPORT_READERS))],
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: int | None = None,
    cost_center: str | None = None,
) -> HTMLResponse:
    year = report_period(runtime.settings, date.today(), fiscal_year).fiscal_year
    currency, scope = runtime.settings.base_currency, cost_center or None
    summary = report_of(lambda: budget_summary(session, year, currency, scope))
    periods = [(f"P{n}", figures) for n, figures in enumerate(summary.by_period, start=1)]
    context = {
        "title": f"Summary FY{year}",
        "summary": summary,
        "periods": periods,
        "cost_center": cost_center or "",
        "centers": center_codes(session),
        "period_chart": stacked_bars(
            [Bar.of(*period) for period in periods],
            title=f"FY{year} by period: consumed against budget",
            currency=currency,
        ),
        "center_chart": stacked_bars(
            [Bar.of(*center) for center in summary.by_center],
            title=f"FY{year} by cost center (its own lines)",
            currency=currency,
        ),
    }
    return render(request, "reports/summary.html", context, user)
