"""Variance investigations (docs/variances.md): the variance report (finance, auditors and
admins see every line; a cost-center owner the lines of their centers), a period's detection
(finance, admins), the owner's explanation and finance's review."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from api.deps import CurrentUser, RuntimeDep, SessionDep, TemporalDep, require_role
from api.errors import RefusalRoute
from api.idempotency import IdempotencyHeader
from api.report_params import report_of
from api.schemas.variances import (
    DetectedOut,
    DetectIn,
    ExplanationIn,
    ReviewIn,
    VarianceOut,
    VarianceStateOut,
)
from domain.catalog import Role
from domain.variance_investigation import VarianceView
from models.people.records import User
from services.variances import (
    UnknownVariance,
    detect_variances,
    explain_variance,
    review_variance,
    visible_investigation,
    visible_investigations,
)

router = APIRouter(prefix="/api/variances", tags=["budgets"], route_class=RefusalRoute)
Detector = Annotated[User, Depends(require_role(Role.FINANCE, Role.ADMIN))]
Reviewer = Annotated[User, Depends(require_role(Role.FINANCE))]
_REFUSALS: dict[int | str, dict[str, str]] = {
    403: {"description": "`not_entitled`, `explainer_may_not_review`"},
    404: {"description": "no investigation of that id the caller may see"},
    409: {"description": "`not_waiting`: it does not wait on that now"},
    422: {"description": "`invalid_category`, `invalid_action`, `comment_required`"},
}


@router.get("")
def variance_report(
    user: CurrentUser, session: SessionDep, period: str | None = None, status: str | None = None
) -> list[VarianceOut]:
    """The investigations the caller may see, newest period first; ``period`` (``YYYY-MM``)
    and ``status`` (open, explained, sent_back, accepted) narrow them."""
    rows = visible_investigations(session, user, period=period, status=status)
    return [VarianceOut.of(row) for row in rows]


@router.get("/{workflow_id}")
def variance(workflow_id: str, user: CurrentUser, session: SessionDep) -> VarianceOut:
    """One investigation with its explanation history; 404 unless the caller may see it."""
    return VarianceOut.of(report_of(lambda: visible_investigation(session, user, workflow_id)))


@router.post("/detect", responses={422: {"description": "`invalid_period`"}})
async def detect(body: DetectIn, _: Detector, runtime: RuntimeDep) -> DetectedOut:
    """Detect the month's lines breaching the policy's thresholds; each gets an investigation
    (one started before for a line, open or closed, is left as it is)."""
    app = runtime.services
    found = await detect_variances(app.temporal, app.settings.temporal_task_queue, body.period)
    return DetectedOut(period=found.period, breaching=found.breaching, started=found.started)


@router.post("/{workflow_id}/explain", responses=_REFUSALS)
async def explain(
    workflow_id: str,
    body: ExplanationIn,
    user: CurrentUser,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> VarianceStateOut:
    """The owner's (or their delegate's) explanation: a category and a comment. Sent again
    with the same ``Idempotency-Key``, it answers with the first outcome."""
    view = await _visible_async(
        explain_variance(
            temporal, session, user, workflow_id, body.category, body.comment, idempotency_key
        )
    )
    return _state(workflow_id, view)


@router.post("/{workflow_id}/review", responses=_REFUSALS)
async def review(
    workflow_id: str,
    body: ReviewIn,
    user: Reviewer,
    session: SessionDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> VarianceStateOut:
    """Finance accepts the explanation or sends it back to the owner (a note required), never
    the explainer."""
    view = await _visible_async(
        review_variance(
            temporal, session, user, workflow_id, body.decision, body.note, idempotency_key
        )
    )
    return _state(workflow_id, view)


def _state(workflow_id: str, view: VarianceView) -> VarianceStateOut:
    return VarianceStateOut(
        workflow_id=workflow_id, status=str(view.status), waiting_on=view.waiting_on
    )


async def _visible_async(sent: Awaitable[VarianceView]) -> VarianceView:
    """The Update's answer; an investigation the caller may not see is answered 404."""
    try:
        return await sent
    except UnknownVariance as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(unknown)) from unknown
