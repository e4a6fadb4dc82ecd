"""The approval-policy pages (admins only): every stored version, one version's document, and
uploading the next version. A refused upload comes back with every error beside the document."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from api.deps import RuntimeDep, SessionDep
from api.params import PositiveInt32
from api.web.admin_pages import UNPROCESSABLE, Admin
from api.web.render import flash, render
from api.web.session import CsrfChecked
from models.document_errors import DocumentError, DocumentRefused, read_json_object
from models.people.admin import people
from models.people.records import User
from models.purchase_orders.policies import ApprovalPolicy
from models.purchase_orders.policy_store import (
    PolicyRefused,
    policy_version,
    policy_versions,
    store_policy,
)

router = APIRouter(prefix="/admin", include_in_schema=False)
POLICY_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")


@router.get("/policies", response_class=HTMLResponse)
def policies_page(request: Request, user: Admin, session: SessionDep) -> HTMLResponse:
    return _policies(request, session, user, {})


@router.get("/policies/{name}/{version}", response_class=HTMLResponse)
def policy_page(
    request: Request, name: str, version: PositiveInt32, user: Admin, session: SessionDep
) -> HTMLResponse:
    policy = policy_version(session, name, version)
    if policy is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no policy {name} v{version}")
    context = {
        "title": f"{name} v{version}",
        "utc": UTC,
        "policy": policy,
        "pretty": json.dumps(policy.document, indent=2, ensure_ascii=False),
    }
    return render(request, "admin/policy.html", context, user)


@router.post("/policies", dependencies=[CsrfChecked], response_model=None)
def upload_policy(
    request: Request,
    user: Admin,
    session: SessionDep,
    runtime: RuntimeDep,
    name: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    document: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    typed = {"name": name.strip(), "note": note.strip(), "document": document}
    problems: list[DocumentError] = []
    if not POLICY_NAME.match(typed["name"]):
        problems.append(
            DocumentError(
                "name", "A policy name takes lower-case letters, digits, '.', '_' or '-'."
            )
        )
    if len(typed["note"]) > 500:
        problems.append(DocumentError("note", "A note takes at most 500 characters."))
    parsed = _document(document, problems)
    if parsed is not None and not problems:
        try:
            policy = store_policy(
                session,
                typed["name"],
                parsed,
                note=typed["note"],
                author=user,
                base_currency=runtime.settings.base_currency,
                at=datetime.now(UTC),
            )
        except PolicyRefused as refused:
            problems = refused.errors
        else:
            flash(request, f"stored {policy.name} v{policy.version}")
            return RedirectResponse("/admin/policies", status_code=303)
    return _policies(request, session, user, typed, problems, UNPROCESSABLE)


def _document(text: str, problems: list[DocumentError]) -> dict[str, Any] | None:
    try:
        return read_json_object(text, "A policy")
    except DocumentRefused as refused:
        problems.extend(refused.errors)
        return None


def _policies(
    request: Request,
    session: Session,
    user: User,
    typed: dict[str, str],
    problems: list[DocumentError] | None = None,
    code: int = 200,
) -> HTMLResponse:
    versions = policy_versions(session)
    newest: dict[str, ApprovalPolicy] = {}
    for policy in versions:  # newest first: the first of each name routes new POs
        newest.setdefault(policy.name, policy)
    if not typed and versions:
        latest = versions[0]
        pretty = json.dumps(latest.document, indent=2, ensure_ascii=False)
        typed = {"name": latest.name, "note": "", "document": pretty}
    context = {
        "title": "Approval policies",
        "utc": UTC,
        "versions": versions,
        "in_use": {policy.id for policy in newest.values()},
        "authors": {person.user.id: person.user.username for person in people(session)},
        "typed": typed,
        "problems": problems or [],
    }
    return render(request, "admin/policies.html", context, user, status_code=code)
