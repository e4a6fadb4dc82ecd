"""Costs → Close: ``/costs/close`` lists every period's close (and lets finance and admins
start one); ``/costs/close/{period}`` shows a close: its status, its journals (with their CSV),
its export attempts, its GL differences, and for finance and admins it waits on, the form to
approve or reject its accrual journal, sent to the close like the JSON API's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.deps import RuntimeDep, SessionDep, TemporalDep
from api.errors import Refused, answer
from api.web.render import flash, render
from api.web.session import CsrfChecked, form_key, page_role
from domain.catalog import Role
from domain.temporal_names import close_workflow_id
from models.close.reports import close_detail, close_runs_listed
from models.costs.governance_tasks import task_of
from models.people.records import User
from services.close import decide_close, start_close
from services.refusals import RuleRefused

router = APIRouter(include_in_schema=False)
Reader = Annotated[User, Depends(page_role(Role.FINANCE, Role.ADMIN, Role.AUDITOR))]
Closer = Annotated[User, Depends(page_role(Role.FINANCE, Role.ADMIN))]


@router.get("/costs/close", response_class=HTMLResponse)
def closes_page(request: Request, user: Reader, session: SessionDep) -> HTMLResponse:
    context = {"title": "Month-end close", "runs": close_runs_listed(session), "active": "close"}
    return render(request, "costs/closes.html", context, user)


@router.post("/costs/close", dependencies=[CsrfChecked])
async def start(
    request: Request, user: Closer, runtime: RuntimeDep, period: Annotated[str, Form()] = ""
) -> Response:
    """Start the period's close; a bad period comes back as a message naming the rule."""
    try:
        started = await start_close(runtime.temporal, runtime.settings, user, period.strip())
    except RuleRefused as refused:
        flash(request, f"Not started: {refused.message}")
        return RedirectResponse("/costs/close", status_code=303)
    flash(request, f"{period}: close {'started' if started else 'was started before'}")
    return RedirectResponse(f"/costs/close/{period.strip()}", status_code=303)


@router.get("/costs/close/{period}", response_class=HTMLResponse)
async def close_page(
    request: Request, period: str, user: Reader, session: SessionDep
) -> HTMLResponse:
    return await run_in_threadpool(_page, request, session, user, period, None)


@router.post("/costs/close/{period}/decision", dependencies=[CsrfChecked])
async def decide(
    request: Request,
    period: str,
    user: Closer,
    session: SessionDep,
    temporal: TemporalDep,
    action: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    """Send the decision; a refused one comes back on the page with its rule."""
    try:
        if action not in ("approve", "reject"):
            raise RuleRefused("invalid_action", "Choose approve or reject.")
        approve = action == "approve"
        await decide_close(temporal, user, period, approve, comment, idempotency_key or None)
    except RuleRefused as refused:
        return await run_in_threadpool(_page, request, session, user, period, answer(refused))
    flash(request, f"Accrual journal of {period}: {action}d")
    return RedirectResponse(f"/costs/close/{period}", status_code=303)


def _page(
    request: Request, session: Session, user: User, period: str, problem: Refused | None
) -> HTMLResponse:
    detail = close_detail(session, period)
    if detail is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{period} was never closed")
    task = task_of(session, close_workflow_id(period))
    context = {
        "title": f"Month-end close {period}",
        "active": "close",
        "detail": detail,
        "task": task,
        "decides": task is not None and user.username in task.waiting_on,
        "problem": problem,
        "form_key": form_key("close"),
    }
    code = problem.status_code if problem else 200
    return render(request, "costs/close.html", context, user, status_code=code)
