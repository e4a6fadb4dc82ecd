"""Reports → Variances: the variance report (open and explained variances with their
explanations, by period and status; finance, auditors and admins see every line, an owner the
lines of their centers) and a variance's page, where its owner (or their delegate) explains it
and finance accepts the explanation or sends it back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.deps import SessionDep, TemporalDep
from api.errors import Refused, answer
from api.web.render import flash, render
from api.web.session import CsrfChecked, PageUser, form_key
from domain.variance_investigation import (
    VarianceCategory,
    VarianceStatus,
    variance_workflow_id,
)
from models.people.records import User
from services.refusals import RuleRefused
from services.variances import (
    REVIEWERS,
    UnknownVariance,
    explain_variance,
    may_explain,
    review_variance,
    visible_investigation,
    visible_investigations,
)

router = APIRouter(prefix="/reports/variances", include_in_schema=False)
STATUSES = [str(s) for s in VarianceStatus]


@router.get("", response_class=HTMLResponse)
def variance_report_page(
    request: Request, user: PageUser, session: SessionDep, period: str = "", status: str = ""
) -> HTMLResponse:
    rows = visible_investigations(session, user, period=period or None, status=status or None)
    context = {
        "title": "Variances",
        "rows": rows,
        "period": period,
        "status": status,
        "statuses": STATUSES,
    }
    return render(request, "reports/variances.html", context, user)


@router.get("/{period}/{cost_center}/{gl_account}", response_class=HTMLResponse)
def variance_page(
    request: Request,
    period: str,
    cost_center: str,
    gl_account: str,
    user: PageUser,
    session: SessionDep,
) -> HTMLResponse:
    workflow_id = variance_workflow_id(period, cost_center, gl_account)
    return _page(request, session, user, workflow_id, None, "")


@router.post("/{period}/{cost_center}/{gl_account}/{action}", dependencies=[CsrfChecked])
async def answer_variance(
    request: Request,
    period: str,
    cost_center: str,
    gl_account: str,
    action: str,
    user: PageUser,
    session: SessionDep,
    temporal: TemporalDep,
    category: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    """Send the explanation (``explain``) or the review (``review``); a refused form comes back
    with the rule and the text typed."""
    workflow_id = variance_workflow_id(period, cost_center, gl_account)
    key = idempotency_key or None
    try:
        if action == "explain":
            await explain_variance(temporal, session, user, workflow_id, category, text, key)
        elif action == "review":
            await review_variance(temporal, session, user, workflow_id, decision, text, key)
        else:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such action")
    except UnknownVariance as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(unknown)) from unknown
    except RuleRefused as refused:
        problem = answer(refused)
        return await run_in_threadpool(_page, request, session, user, workflow_id, problem, text)
    flash(request, f"{cost_center}/{gl_account} {period}: {action} sent")
    return RedirectResponse(f"/reports/variances/{period}/{cost_center}/{gl_account}", 303)


def _page(
    request: Request,
    session: Session,
    user: User,
    workflow_id: str,
    problem: Refused | None,
    text: str,
) -> HTMLResponse:
    try:
        row = visible_investigation(session, user, workflow_id, for_owner=True)
    except UnknownVariance as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(unknown)) from unknown
    context = {
        "title": f"Variance {row.cost_center}/{row.gl_account} {row.period}",
        "row": row,
        "explains": may_explain(session, user, row),
        "reviews": row.status == VarianceStatus.EXPLAINED and bool(user.role_names & REVIEWERS),
        "categories": [str(c) for c in VarianceCategory],
        "problem": problem,
        "text": text,
        "form_key": form_key("variance"),
    }
    code = problem.status_code if problem else 200
    return render(request, "reports/variance.html", context, user, status_code=code)
