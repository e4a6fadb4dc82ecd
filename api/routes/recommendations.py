"""Optimisation recommendations (FinOps, finance, admins and auditors see all; anyone else those
they own), a status moved by its owner or FinOps, detection over a month (FinOps, finance,
admins), and an IT service's quarterly business review (report readers and FinOps)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy.orm import Session

from api.deps import CurrentUser, RuntimeDep, SessionDep, require_role
from api.errors import RefusalRoute
from api.month_params import MONTH_PATTERN, first_day
from api.params import RowId
from api.report_params import REPORT_READERS
from api.schemas.recommendations import (
    DetectedOut,
    DetectIn,
    RecommendationOut,
    ReviewOut,
    StatusIn,
)
from domain.catalog import Role
from domain.costs.recommendations import (
    RecommendationKind,
    RecommendationStatus,
    StatusChange,
)
from models.costs.recommendation_detection import detect
from models.costs.recommendation_records import CostRecommendation
from models.people.records import User
from services.costs.qbr import QUARTER_PATTERN, ServiceMissing, quarterly_review
from services.costs.recommendations import (
    RecommendationFilter,
    RecommendationMissing,
    move_status,
    visible_recommendation,
    visible_recommendations,
)

router = APIRouter(tags=["costs"], route_class=RefusalRoute)
Detector = Annotated[User, Depends(require_role(Role.FINOPS, Role.FINANCE, Role.ADMIN))]
Reviewer = Annotated[User, Depends(require_role(*REPORT_READERS, Role.FINOPS))]
Period = Annotated[
    str | None, Query(pattern=MONTH_PATTERN, description="the month found in, YYYY-MM")
]
_REFUSALS: dict[int | str, dict[str, str]] = {
    403: {"description": "neither its owner nor FinOps (`not_entitled`)"},
    404: {"description": "no recommendation of that id the caller may see"},
    409: {"description": "not a move from its status (`invalid_transition`)"},
    422: {"description": "`reason_required`, `realised_saving_required`"},
}


@router.get("/api/costs/recommendations")
def recommendations(
    user: CurrentUser,
    session: SessionDep,
    period: Period = None,
    kind: RecommendationKind | None = None,
    status: RecommendationStatus | None = None,
    service: str | None = None,
) -> list[RecommendationOut]:
    """The recommendations the caller may see, newest month first, then the largest saving."""
    only = RecommendationFilter(first_day(period) if period else None, kind, status, service)
    rows = visible_recommendations(session, user, only)
    return [RecommendationOut.model_validate(row) for row in rows]


@router.post("/api/costs/recommendations/detect")
def run_detection(body: DetectIn, user: Detector, session: SessionDep) -> DetectedOut:
    """Judge the month's cost lines; what it found and how many are new (a second run finds
    none new and keeps every status)."""
    found = detect(session, first_day(body.period), datetime.now(UTC))
    session.commit()
    return DetectedOut(period=found.period, found=found.found, new=found.new)


@router.post("/api/costs/recommendations/{row_id}/status", responses=_REFUSALS)
def change_status(
    row_id: RowId, body: StatusIn, user: CurrentUser, session: SessionDep
) -> RecommendationOut:
    """Accept, mark done (with the saving realised, or measured from a later month's cost) or
    dismiss (with a reason): its owner or FinOps; in the audit trail."""
    row = _visible(session, user, row_id)
    change = StatusChange(body.status, body.realised_saving_minor, body.reason)
    moved = move_status(session, row, user, change, datetime.now(UTC))
    session.commit()
    return RecommendationOut.model_validate(moved)


@router.get("/api/reports/qbr/{service}", responses={404: {"description": "no such service"}})
def quarterly_business_review(
    service: str,
    _: Reviewer,
    session: SessionDep,
    runtime: RuntimeDep,
    quarter: Annotated[str, Query(pattern=QUARTER_PATTERN, description="YYYY-Qn")],
) -> ReviewOut:
    """The service's quarter: unit-cost trend, budget against actual, savings realised."""
    settings = runtime.settings
    try:
        review = quarterly_review(
            session,
            service,
            quarter,
            currency=settings.base_currency,
            start_month=settings.fiscal_year_start_month,
        )
    except ServiceMissing as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(missing)) from missing
    return ReviewOut.model_validate(review, from_attributes=True)


def _visible(session: Session, user: User, row_id: int) -> CostRecommendation:
    try:
        return visible_recommendation(session, user, row_id)
    except RecommendationMissing as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(missing)) from missing
