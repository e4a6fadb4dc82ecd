"""Spend anomalies: the findings and their outcome (FinOps, finance, admins and auditors see
all; anyone else those they own or that wait on them), an owner's answer, and detection run
again over past days (FinOps, finance, admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy.orm import Session

from api.deps import CurrentUser, RuntimeDep, SessionDep, TemporalDep, require_role
from api.errors import RefusalRoute
from api.idempotency import IdempotencyHeader
from api.month_params import MONTH_PATTERN, first_day
from api.schemas.anomalies import AcknowledgeIn, AnomalyOut, DetectionIn, DetectionOut
from domain.catalog import Role
from domain.costs.spend_anomalies import AnomalyStatus, FindingKind
from models.costs.anomaly_records import SpendAnomaly
from models.people.records import User
from services.costs.anomalies import (
    FindingFilter,
    FindingMissing,
    acknowledge,
    start_detection,
    visible_finding,
    visible_findings,
)

router = APIRouter(prefix="/api/costs", tags=["costs"], route_class=RefusalRoute)
Detector = Annotated[User, Depends(require_role(Role.FINOPS, Role.FINANCE, Role.ADMIN))]
Period = Annotated[
    str | None, Query(pattern=MONTH_PATTERN, description="the findings' month, YYYY-MM")
]
_REFUSALS: dict[int | str, dict[str, str]] = {
    403: {"description": "the finding does not wait on the caller (`not_entitled`)"},
    404: {"description": "no finding of that id the caller may see"},
    409: {"description": "the finding was answered already (`not_waiting`)"},
}


@router.get("/anomalies")
def anomalies(
    user: CurrentUser,
    session: SessionDep,
    period: Period = None,
    kind: FindingKind | None = None,
    status: AnomalyStatus | None = None,
) -> list[AnomalyOut]:
    """The findings the caller may see, newest day first (at most 1,000)."""
    only = FindingFilter(first_day(period) if period else None, kind, status)
    return [AnomalyOut.model_validate(row) for row in visible_findings(session, user, only)]


@router.get("/anomalies/{finding_id}", responses={404: _REFUSALS[404]})
def anomaly(finding_id: int, user: CurrentUser, session: SessionDep) -> AnomalyOut:
    """A finding with its outcome; 404 when the caller may not see it."""
    return AnomalyOut.model_validate(_visible(session, user, finding_id))


@router.post("/anomalies/{finding_id}/acknowledge", responses=_REFUSALS)
async def answer(
    finding_id: int,
    body: AcknowledgeIn,
    user: CurrentUser,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> AnomalyOut:
    """Acknowledge the finding and say why the spend moved (``expected``, ``planned`` or
    ``unexpected``): its owner, whom it escalated to, or FinOps; the task closes."""
    finding = _visible(session, user, finding_id)
    session.commit()  # the run writes the answer in a transaction of its own
    await acknowledge(temporal, finding, user, body.feedback, body.explanation, idempotency_key)
    return AnomalyOut.model_validate(_visible(session, user, finding_id))


@router.post("/anomalies/detect", status_code=status.HTTP_202_ACCEPTED)
async def run_detection(body: DetectionIn, _: Detector, runtime: RuntimeDep) -> DetectionOut:
    """Start judging the days ``first`` to ``last`` again (a backfill): a run starts for each
    finding nobody answered yet; the findings show on ``GET /api/costs/anomalies`` as they are
    found. 422 ``invalid_period`` when ``last`` is before ``first``."""
    app = runtime.services
    workflow_id = await start_detection(app.temporal, app.settings, body.first, body.last)
    return DetectionOut(workflow_id=workflow_id)


def _visible(session: Session, user: User, finding_id: int) -> SpendAnomaly:
    try:
        return visible_finding(session, user, finding_id)
    except FindingMissing as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(missing)) from missing
