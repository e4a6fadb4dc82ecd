"""Costs → Recommendations: the optimisation recommendations a person may see (FinOps, finance,
admins and auditors all; anyone else theirs) with the saving still open and the saving
realised, and the form their owner or FinOps moves one with; Reports → an IT service's
quarterly business review."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from api.deps import RuntimeDep, SessionDep
from api.errors import Refused
from api.month_params import first_day
from api.params import RowId
from api.report_params import REPORT_READERS
from api.web.charts import Series, line_chart
from api.web.render import flash, render
from api.web.session import CsrfChecked, PageUser, page_role
from domain.catalog import Role
from domain.costs.recommendations import (
    MOVES,
    RecommendationKind,
    RecommendationStatus,
    StatusChange,
)
from domain.costs.settlement import to_minor
from domain.money import Money
from models.budgets.org import ItService
from models.people.records import User
from services.costs.qbr import Review, ServiceMissing, quarterly_review
from services.costs.recommendations import (
    RecommendationFilter,
    RecommendationMissing,
    move_status,
    totals,
    visible_recommendation,
    visible_recommendations,
)

router = APIRouter(include_in_schema=False)
Reviewer = Annotated[User, Depends(page_role(*REPORT_READERS, Role.FINOPS))]


@router.get("/costs/recommendations", response_class=HTMLResponse)
def recommendations_page(
    request: Request, user: PageUser, session: SessionDep, period: str = "", status: str = ""
) -> HTMLResponse:
    try:
        only = RecommendationFilter(
            first_day(period) if period else None,
            status=RecommendationStatus(status).value if status else None,
        )
    except ValueError as bad:
        raise HTTPException(status_code=422, detail=f"not a filter: {bad}") from bad
    rows = visible_recommendations(session, user, only)
    context = {
        "title": "Optimisation recommendations",
        "rows": rows,
        "totals": totals(rows),
        "period": period,
        "status": status,
        "statuses": list(RecommendationStatus),
        "moves": {s.value: sorted(MOVES[s]) for s in RecommendationStatus},
        "is_finops": Role.FINOPS in user.role_names,
    }
    return render(request, "costs/recommendations.html", context, user)


@router.post("/costs/recommendations/{row_id}/status", dependencies=[CsrfChecked])
def move_recommendation(
    request: Request,
    row_id: RowId,
    user: PageUser,
    session: SessionDep,
    to: Annotated[RecommendationStatus, Form()],
    realised_saving: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Move the recommendation; a refusal shows as an error page naming the rule."""
    try:
        row = visible_recommendation(session, user, row_id)
    except RecommendationMissing as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(missing)) from missing
    realised = _minor(realised_saving, row.currency) if realised_saving.strip() else None
    move_status(session, row, user, StatusChange(to, realised, reason), datetime.now(UTC))
    flash(request, f"Recommendation {row_id}: {to}")
    return RedirectResponse("/costs/recommendations", status_code=303)


def _minor(amount: str, currency: str) -> int:
    try:
        return Money.parse(amount.strip(), currency).minor
    except (ArithmeticError, ValueError) as bad:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"{amount!r} is not an amount in {currency} (e.g. 120.00)",
            rule="invalid_amount",
        ) from bad


@router.get("/reports/qbr", response_class=HTMLResponse)
def reviews_page(request: Request, user: Reviewer, session: SessionDep) -> HTMLResponse:
    """The IT services, each linking to its quarterly review of the current quarter."""
    services = session.scalars(
        select(ItService).where(ItService.active).order_by(ItService.code)
    ).all()
    context = {
        "title": "Quarterly business reviews",
        "services": services,
        "quarter": _this_quarter(date.today()),
    }
    return render(request, "reports/qbr_services.html", context, user)


@router.get("/reports/qbr/{service}", response_class=HTMLResponse)
def review_page(
    request: Request,
    service: str,
    user: Reviewer,
    session: SessionDep,
    runtime: RuntimeDep,
    quarter: str = "",
) -> HTMLResponse:
    settings = runtime.settings
    try:
        review = quarterly_review(
            session,
            service,
            quarter or _this_quarter(date.today()),
            currency=settings.base_currency,
            start_month=settings.fiscal_year_start_month,
        )
    except ServiceMissing as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(missing)) from missing
    context = {
        "title": f"Quarterly review: {review.name} {review.quarter}",
        "review": review,
        "base": settings.base_currency,
        "chart": _trend_chart(review),
        "kinds": list(RecommendationKind),
    }
    return render(request, "reports/qbr.html", context, user)


def _this_quarter(today: date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _trend_chart(review: Review) -> object | None:
    """The unit cost per month as a line (minor units of the model's currency, rounded once)."""
    priced = [m for m in review.unit_costs if m.per_unit is not None]
    if not priced:
        return None
    values = [to_minor(m.per_unit, review.currency) for m in priced if m.per_unit is not None]
    return line_chart(
        [f"{m.month:%Y-%m}" for m in priced],
        [Series("unit cost", values, "#1f5fa8")],
        title=f"{review.service}: cost of one {priced[0].unit} per month",
        currency=review.currency,
    )
