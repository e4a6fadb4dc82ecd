"""The expense dashboard page, ``/costs/dashboard?period=YYYY-MM&bu=&cc=&service=``: the
drill-down business unit -> cost center -> service -> resource, the trend, categories, top
movers, departments and service lines month on month and year on year, and budget against
actual and forecast; each a chart (an image described by its figures) beside its table, each
table as CSV. ``/costs/dashboard/subscription``: one's own subscription to the mailed summary."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup
from sqlalchemy.orm import Session

from api.deps import RuntimeDep, SessionDep
from api.errors import answer
from api.routes.dashboard import TABLES, build_dashboard
from api.web.charts import Series, bar_chart, line_chart
from api.web.render import flash, render
from api.web.session import CsrfChecked, PageUser
from domain.expense_summary import Frequency
from models.costs.dashboard import UNASSIGNED, Dashboard, Drill
from models.costs.dashboard_scope import dashboard_scope
from models.costs.expense_subscriptions import deliveries_of, subscription_of
from models.people.records import User
from services.expense_subscriptions import subscribe_to_summary, unsubscribe_from_summary
from services.refusals import RuleRefused

router = APIRouter(include_in_schema=False)
CHART_ROWS = 10  # a chart draws the largest rows; its table lists them all
_NEXT = {"business_unit": "bu", "cost_center": "cc", "service": "service"}


@router.get("/costs/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
    period: str | None = None,
    bu: str | None = None,
    cc: str | None = None,
    service: str | None = None,
) -> HTMLResponse:
    drill = Drill(bu or None, cc or None, service or None)
    board = build_dashboard(session, user, runtime.settings, period, drill)
    query = {k: v for k, v in (("period", board.month), ("bu", bu), ("cc", cc)) if v}
    if service:
        query["service"] = service
    context = {
        "title": f"Expense dashboard {board.month}",
        "board": board,
        "charts": _charts(board),
        "drill_links": _drill_links(board, query),
        "trail": _trail(board),
        "csv": {table: f"/api/dashboard/{table}.csv?{urlencode(query)}" for table in TABLES},
        "scoped": not _reads_all(session, user),
    }
    return render(request, "costs/dashboard.html", context, user)


def _reads_all(session: Session, user: User) -> bool:
    scope = dashboard_scope(session, user)
    return scope is not None and scope.everything


def _charts(board: Dashboard) -> dict[str, Markup]:
    currency, month = board.currency, board.month
    trend = Series("Cost", board.trend, "#1f5fbf")
    charts = {
        "trend": line_chart(
            board.trend_months, [trend], title="Monthly cost, last 12 months", currency=currency
        )
    }
    tables = {
        "breakdown": (board.breakdown, f"Cost of {month} by {board.drill.level.replace('_', ' ')}"),
        "categories": (board.categories, f"Cost of {month} by category"),
        "departments": (board.departments, f"Cost of {month} by cost center"),
        "services": (board.service_lines, f"Cost of {month} by service"),
    }
    for name, (rows, title) in tables.items():
        if rows:
            shown = rows[:CHART_ROWS]
            values = [row.amount_minor for row in shown]
            labels = [row.key for row in shown]
            charts[name] = bar_chart(labels, values, title=title, currency=currency)
    movers = [*board.rising, *board.falling]
    if movers:
        charts["movers"] = bar_chart(
            [row.key for row in movers],
            [row.month_on_month_minor for row in movers],
            title=f"Largest changes of {month} against the month before",
            currency=currency,
        )
    if board.budgets:
        forecast = Series("Forecast", [b.forecast_minor for b in board.budgets], "#e07b00", True)
        budget = Series("Budget", [b.budget_minor for b in board.budgets], "#b3261e")
        actual = Series("Actual to date", [b.actual_minor for b in board.budgets], "#1f5fbf")
        charts["budgets"] = line_chart(
            [b.cost_center for b in board.budgets],
            [budget, actual, forecast],
            title="Budget, actual to date and forecast per cost center",
            currency=currency,
        )
    return charts


def _drill_links(board: Dashboard, query: dict[str, str]) -> dict[str, str]:
    """Each breakdown row's link one level down (none below a resource, nor for cost no cost
    center owns)."""
    param = _NEXT.get(board.drill.level)
    if param is None:
        return {}
    return {
        row.key: "/costs/dashboard?" + urlencode({**query, param: row.key})
        for row in board.breakdown
        if row.key != UNASSIGNED
    }


def _trail(board: Dashboard) -> list[tuple[str, str]]:
    """The way back up: (label, link) from all business units to the level above this one."""
    steps: list[tuple[str, str]] = [
        ("All business units", f"/costs/dashboard?period={board.month}")
    ]
    query = {"period": board.month}
    drill = board.drill
    for param, value in (("bu", drill.business_unit), ("cc", drill.cost_center)):
        if value:
            query[param] = value
            steps.append((value, "/costs/dashboard?" + urlencode(query)))
    return steps


@router.get("/costs/dashboard/subscription", response_class=HTMLResponse)
def subscription_page(request: Request, user: PageUser, session: SessionDep) -> HTMLResponse:
    return _subscription(request, user, session)


@router.post("/costs/dashboard/subscription", dependencies=[CsrfChecked], response_model=None)
async def save_subscription(
    request: Request,
    user: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
    action: Annotated[str, Form()] = "subscribe",
    cost_centers: Annotated[str, Form(max_length=2000)] = "",
    frequency: Annotated[Frequency, Form()] = Frequency.MONTHLY,
    day: Annotated[int, Form(ge=-1000, le=1000)] = 1,
) -> HTMLResponse | RedirectResponse:
    try:
        if action == "unsubscribe":
            await unsubscribe_from_summary(session, runtime.temporal, user)
            flash(request, "Unsubscribed: no more expense summaries are mailed to you.")
        else:
            codes = [c.strip() for c in cost_centers.replace(",", " ").split() if c.strip()]
            queue = runtime.settings.temporal_task_queue
            await subscribe_to_summary(
                session, runtime.temporal, queue, user, codes, frequency, day
            )
            flash(request, "Subscribed: the expense summary will be mailed to you.")
    except RuleRefused as refused:
        code = answer(refused).status_code
        return _subscription(request, user, session, refused.message, code)
    return RedirectResponse("/costs/dashboard/subscription", status_code=303)


def _subscription(
    request: Request,
    user: User,
    session: Session,
    refusal: str | None = None,
    code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    context = {
        "title": "Expense summary subscription",
        "subscription": subscription_of(session, user.username),
        "deliveries": deliveries_of(session, user.id),
        "refusal": refusal,
        "frequencies": list(Frequency),
    }
    return render(request, "costs/dashboard_subscription.html", context, user, status_code=code)
