"""A tag remediation's page: the owner's resources that break the tag policy in the period, what
is wrong with each, and a form to map one by hand (a virtual tag, which applies to past periods
too and closes the remediation once nothing is left). The owner, whoever the task has escalated
to, finance, FinOps and admins see it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.deps import RuntimeDep, SessionDep
from api.web.render import flash, render
from api.web.session import CsrfChecked, PageUser
from domain.costs.governance import VirtualTagMatch
from domain.costs.remediation import remediation_workflow_id
from models.costs.governance_tasks import GovernanceTaskRow, task_of
from models.people.records import User
from services.costs.remediations import MAPS_ANY, VirtualTagRequest, map_by_virtual_tag

router = APIRouter(include_in_schema=False)


@router.get("/costs/remediations/{period}/{owner}", response_class=HTMLResponse)
async def remediation_page(
    request: Request, period: str, owner: str, user: PageUser, session: SessionDep
) -> HTMLResponse:
    task = await run_in_threadpool(_visible_task, session, user, period, owner)
    resources: list[dict[str, Any]] = list(task.facts.get("resources", ()))
    context = {
        "title": f"Tags to fix: {owner}, {period}",
        "task": task,
        "owner": owner,
        "period": period,
        "resources": resources,
        "keys": {r["resource_id"]: [p.split(":")[0] for p in r["problems"]] for r in resources},
    }
    return render(request, "costs/remediation.html", context, user)


@router.post("/costs/remediations/{period}/{owner}/map", dependencies=[CsrfChecked])
async def map_resource(
    period: str,
    owner: str,
    request: Request,
    user: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
    resource_id: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Set the virtual tag; a refusal (``not_entitled``, an empty value) shows as an error page
    naming the rule."""
    await run_in_threadpool(_visible_task, session, user, period, owner)
    session.commit()  # the service works in transactions of its own
    tag = VirtualTagRequest(VirtualTagMatch.RESOURCE, resource_id, key, value, reason)
    app = runtime.services
    start_month = runtime.settings.fiscal_year_start_month
    remapped = await map_by_virtual_tag(
        app.temporal, app.sessions, user, tag, start_month=start_month
    )
    flash(request, f"{resource_id}: {key} = {value}, applied to {', '.join(remapped.periods)}")
    return RedirectResponse(f"/costs/remediations/{period}/{owner}", status_code=303)


def _visible_task(session: Session, user: User, period: str, owner: str) -> GovernanceTaskRow:
    task = task_of(session, remediation_workflow_id(owner, period))
    sees = user.username == owner or bool(user.role_names & MAPS_ANY)
    if task is None or not (sees or user.username in task.waiting_on):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such remediation")
    return task
