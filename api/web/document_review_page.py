"""The review page of a governed cost document's version: what it changes against the version
in force when it was proposed (a JSON Patch), who proposed it, where its review stands, and a
form to approve or reject it with a comment, sent to the review workflow like the JSON API's."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.deps import SessionDep, TemporalDep
from api.errors import Refused, answer
from api.web.render import flash, render
from api.web.session import CsrfChecked, PageUser, form_key
from domain.catalog import Decision
from domain.costs.document_review import review_workflow_id
from domain.costs.governance import DocumentKind
from models.costs.governance_tasks import task_of
from models.people.records import User
from services.costs.document_changes import decide_change, proposal_under_review
from services.refusals import RuleRefused

router = APIRouter(include_in_schema=False)
ACTIONS = {"approve": Decision.APPROVE, "reject": Decision.REJECT}


@router.get("/costs/documents/{kind}/versions/{version}", response_class=HTMLResponse)
async def review_page(
    request: Request, kind: DocumentKind, version: int, user: PageUser, session: SessionDep
) -> HTMLResponse:
    return await run_in_threadpool(_page, request, session, user, kind, version, None, "")


@router.post("/costs/documents/{kind}/versions/{version}/decision", dependencies=[CsrfChecked])
async def decide(
    request: Request,
    kind: DocumentKind,
    version: int,
    user: PageUser,
    session: SessionDep,
    temporal: TemporalDep,
    action: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    """Send the decision; a refused form comes back with the rule and the comment typed."""
    try:
        if action not in ACTIONS:
            raise RuleRefused("invalid_action", "Choose approve or reject.")
        await decide_change(
            temporal, user, kind, version, ACTIONS[action], comment, idempotency_key or None
        )
    except RuleRefused as refused:
        problem = answer(refused)
        return await run_in_threadpool(
            _page, request, session, user, kind, version, problem, comment
        )
    flash(request, f"{kind} v{version}: {action}d")
    return RedirectResponse(f"/costs/documents/{kind}/versions/{version}", status_code=303)


def _page(
    request: Request,
    session: Session,
    user: User,
    kind: DocumentKind,
    version: int,
    problem: Refused | None,
    comment: str,
) -> HTMLResponse:
    found = proposal_under_review(session, kind, version)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no {kind} v{version}")
    task = task_of(session, review_workflow_id(kind, version))
    context = {
        "title": f"{kind} v{version}",
        "found": found,
        "diff": [
            {**change, "value": json.dumps(change.get("value"), indent=1)} for change in found.diff
        ],
        "task": task,
        "decides": task is not None and user.username in task.waiting_on,
        "problem": problem,
        "comment": comment,
        "form_key": form_key("review"),
    }
    code = problem.status_code if problem else 200
    return render(request, "costs/document_review.html", context, user, status_code=code)
