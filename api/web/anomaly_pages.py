"""Costs → Anomalies: the findings with their outcome, filtered by month, kind and status
(FinOps, finance, admins and auditors see all; anyone else those they own or that wait on
them), and a finding's page: its series around the day with the band it was expected in, and
the form its owner (whomever it escalated to, or FinOps) answers it with."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.deps import RuntimeDep, SessionDep
from api.month_params import first_day
from api.web.charts import band_chart
from api.web.render import flash, render
from api.web.session import CsrfChecked, PageUser
from domain.catalog import Role
from domain.costs.spend_anomalies import AnomalyStatus, Feedback, FindingKind
from models.costs.anomaly_records import SpendAnomaly
from models.people.records import User
from services.costs.anomalies import (
    FindingFilter,
    FindingMissing,
    acknowledge,
    series_picture,
    visible_finding,
    visible_findings,
)

router = APIRouter(include_in_schema=False)
OPEN = (AnomalyStatus.OPEN, AnomalyStatus.ESCALATED)


@router.get("/costs/anomalies", response_class=HTMLResponse)
def anomalies_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    period: str = "",
    kind: str = "",
    status: str = "",
) -> HTMLResponse:
    try:
        only = FindingFilter(
            first_day(period) if period else None,
            FindingKind(kind) if kind else None,
            AnomalyStatus(status) if status else None,
        )
    except ValueError as bad:
        raise HTTPException(status_code=422, detail=f"not a filter: {bad}") from bad
    context = {
        "title": "Spend anomalies",
        "rows": visible_findings(session, user, only),
        "period": period,
        "kind": kind,
        "status": status,
        "kinds": list(FindingKind),
        "statuses": list(AnomalyStatus),
    }
    return render(request, "costs/anomalies.html", context, user)


@router.get("/costs/anomalies/{finding_id}", response_class=HTMLResponse)
async def anomaly_page(
    request: Request, finding_id: int, user: PageUser, session: SessionDep
) -> HTMLResponse:
    finding = await run_in_threadpool(_visible, session, user, finding_id)
    picture = await run_in_threadpool(series_picture, session, finding)
    chart = None
    if picture and picture.days:
        chart = band_chart(
            [f"{d:%m-%d}" for d in picture.days],
            picture.actual,
            picture.band,
            title=f"{finding.kind} {finding.series_key}: daily cost and expected band",
            currency=picture.currency,
        )
    may_answer = finding.status in OPEN and (
        user.username in finding.waiting_on or Role.FINOPS in user.role_names
    )
    context = {
        "title": f"Spend anomaly {finding.id}",
        "finding": finding,
        "chart": chart,
        "may_answer": may_answer,
        "feedbacks": list(Feedback),
    }
    return render(request, "costs/anomaly.html", context, user)


@router.post("/costs/anomalies/{finding_id}/acknowledge", dependencies=[CsrfChecked])
async def acknowledge_finding(
    finding_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
    feedback: Annotated[Feedback, Form()],
    explanation: Annotated[str, Form()] = "",
) -> Response:
    """Send the answer; a refusal (``not_entitled``, ``explanation_required``) shows as an
    error page naming the rule."""
    finding = await run_in_threadpool(_visible, session, user, finding_id)
    session.commit()  # the run writes the answer in a transaction of its own
    await acknowledge(runtime.services.temporal, finding, user, feedback, explanation)
    flash(request, f"Spend anomaly {finding_id}: answered ({feedback})")
    return RedirectResponse(f"/costs/anomalies/{finding_id}", status_code=303)


def _visible(session: Session, user: User, finding_id: int) -> SpendAnomaly:
    try:
        return visible_finding(session, user, finding_id)
    except FindingMissing as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(missing)) from missing
