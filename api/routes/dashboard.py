"""The expense dashboard over JSON (``GET /api/dashboard?period=YYYY-MM&bu=&cc=&service=``,
each table's CSV) and one's own subscription to the mailed summary (``GET``, ``PUT``,
``DELETE /api/dashboard/subscription``). A cost-center owner reads only their centers' figures;
finance, FinOps, auditors and admins every one; anyone else is refused with 403
``dashboard_reader_required``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.deps import CurrentUser, RuntimeDep, SessionDep
from api.errors import RefusalRoute, Refused
from api.schemas.dashboard import DashboardOut, SubscriptionIn, SubscriptionOut
from domain.costs.dashboard import month_before
from models.budgets.report_scope import UnknownCostCenter
from models.costs.dashboard import Dashboard, Drill, expense_dashboard
from models.costs.dashboard_csv import budgets_csv, comparison_csv
from models.costs.dashboard_scope import dashboard_scope
from models.costs.expense_subscriptions import subscription_of
from models.people.records import User
from services.costs.accounts import period_start
from services.expense_subscriptions import subscribe_to_summary, unsubscribe_from_summary
from settings import Settings

router = APIRouter(prefix="/api/dashboard", tags=["costs"], route_class=RefusalRoute)
Period = Annotated[str | None, Query(description="YYYY-MM; none: the month just closed")]
Name = Annotated[str | None, Query(max_length=200)]
FORBIDDEN: dict[int | str, dict[str, object]] = {
    403: {"description": "The caller may read no cost center (`dashboard_reader_required`)"}
}
TABLES = ("breakdown", "categories", "movers", "cost_centers", "services", "budgets")


def build_dashboard(
    session: Session,
    user: User,
    settings: Settings,
    period: str | None,
    drill: Drill,
) -> Dashboard:
    """The reader's dashboard: 403 ``dashboard_reader_required`` for someone who may read
    nothing, 422 ``invalid_period`` for a month not as YYYY-MM, 422 ``unknown_cost_center``."""
    scope = dashboard_scope(session, user)
    if scope is None:
        raise Refused(
            status.HTTP_403_FORBIDDEN,
            "the expense dashboard is for finance, FinOps, auditors, admins and cost-center owners",
            rule="dashboard_reader_required",
        )
    today = date.today()
    month = period or month_before(f"{today:%Y-%m}")
    period_start(month)  # refuses a month not as YYYY-MM
    try:
        return expense_dashboard(
            session,
            month,
            drill,
            scope.centers,
            currency=settings.base_currency,
            start_month=settings.fiscal_year_start_month,
        )
    except UnknownCostCenter as unknown:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT, str(unknown), rule="unknown_cost_center"
        ) from unknown


def table_csv(board: Dashboard, table: str) -> str:
    """One of ``TABLES`` as CSV (amounts as decimal strings of the base currency)."""
    currency = board.currency
    if table == "budgets":
        return budgets_csv(board.budgets, currency)
    rows = {
        "breakdown": [(board.drill.level, board.breakdown)],
        "categories": [("category", board.categories)],
        "movers": [("increase", board.rising), ("decrease", board.falling)],
        "cost_centers": [("cost_center", board.departments)],
        "services": [("service", board.service_lines)],
    }[table]
    return comparison_csv(rows, currency)


@router.get("", responses=FORBIDDEN)
def get_dashboard(
    user: CurrentUser,
    session: SessionDep,
    runtime: RuntimeDep,
    period: Period = None,
    bu: Name = None,
    cc: Name = None,
    service: Name = None,
) -> DashboardOut:
    """The month's dashboard at the drill-down's level, for what the caller may read."""
    board = build_dashboard(session, user, runtime.settings, period, Drill(bu, cc, service))
    return DashboardOut.of(board)


@router.get("/{table}.csv", response_class=Response, responses=FORBIDDEN)
def get_dashboard_csv(
    table: str,
    user: CurrentUser,
    session: SessionDep,
    runtime: RuntimeDep,
    period: Period = None,
    bu: Name = None,
    cc: Name = None,
    service: Name = None,
) -> Response:
    """One table as ``text/csv``: breakdown, categories, movers, cost_centers, services or
    budgets (404 for any other)."""
    if table not in TABLES:
        raise Refused(status.HTTP_404_NOT_FOUND, f"no dashboard table {table}")
    board = build_dashboard(session, user, runtime.settings, period, Drill(bu, cc, service))
    name = f"expense-{table}-{board.month}.csv"
    return Response(
        table_csv(board, table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/subscription", responses={404: {"description": "Never subscribed (`not_found`)"}})
def get_subscription(user: CurrentUser, session: SessionDep) -> SubscriptionOut:
    """The caller's subscription to the mailed summary; 404 when they never subscribed."""
    found = subscription_of(session, user.username)
    if found is None:
        raise Refused(status.HTTP_404_NOT_FOUND, "you have no expense summary subscription")
    return SubscriptionOut.of(found)


@router.put("/subscription", responses=FORBIDDEN)
async def put_subscription(
    body: SubscriptionIn, user: CurrentUser, session: SessionDep, runtime: RuntimeDep
) -> SubscriptionOut:
    """Subscribe (or change the subscription) to the summary of the cost centers named (none:
    all the caller may read when it is sent); 403 ``summary_scope_not_allowed`` for a center
    the caller may not read, 422 ``invalid_summary_day``, ``unknown_cost_center``."""
    subscribed = await subscribe_to_summary(
        session,
        runtime.temporal,
        runtime.settings.temporal_task_queue,
        user,
        body.cost_centers,
        body.frequency,
        body.day,
    )
    return SubscriptionOut.of(subscribed)


@router.delete("/subscription", status_code=status.HTTP_204_NO_CONTENT)
async def delete_subscription(user: CurrentUser, session: SessionDep, runtime: RuntimeDep) -> None:
    """Unsubscribe: no more summaries (the subscription is kept, inactive)."""
    await unsubscribe_from_summary(session, runtime.temporal, user)
