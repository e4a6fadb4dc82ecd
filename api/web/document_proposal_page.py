"""Proposing a new version of a governed cost document on the web (finance and admins, as
through the JSON API): a form holding the version in force as pretty-printed JSON, or a .json
file in its place, and a note. The proposal goes through the same service as the API's; a
refused one comes back with the text as it was sent and every error by its JSON path, nothing
stored. One that is taken opens its review page, its review already started."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from api.deps import RuntimeDep, SessionDep
from api.web.render import flash, render
from api.web.session import CsrfChecked, PageUser, page_role
from domain.costs.governance import DOCUMENT_AUTHORS, DocumentKind
from models.costs.document_rules import RULES
from models.costs.document_store import document_in_force
from models.document_errors import DocumentError, DocumentRefused, read_json_object
from models.people.records import User
from services.costs.document_changes import propose_change
from services.decisions import refuse_unstorable_text
from services.refusals import RuleRefused

router = APIRouter(include_in_schema=False)
Author = Annotated[User, Depends(page_role(*DOCUMENT_AUTHORS))]
NOTE_LENGTH = 500  # the API's and the column's


@dataclass(frozen=True)
class Typed:
    """What the form holds: the document's text and the note."""

    document: str
    note: str


@router.get("/costs/documents/{kind}/schema")
def document_schema(kind: DocumentKind, _: PageUser) -> JSONResponse:
    """The JSON Schema of ``kind``, for the person writing a proposal (the API serves the same
    at ``/api/costs/documents/{kind}/schema``)."""
    rules = RULES.get(kind)
    if rules is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no schema for {kind} yet")
    return JSONResponse(rules.schema)


@router.get("/costs/documents/{kind}/new", response_class=HTMLResponse)
def proposal_form(
    request: Request, kind: DocumentKind, user: Author, session: SessionDep
) -> HTMLResponse:
    """The form, holding the version in force (empty when there is none)."""
    in_force = document_in_force(session, kind, datetime.now(UTC))
    text = json.dumps(in_force.document, indent=2, ensure_ascii=False) if in_force else ""
    version = in_force.version if in_force else None
    return _form(request, user, kind, version, Typed(text, ""), [])


@router.post("/costs/documents/{kind}/new", dependencies=[CsrfChecked], response_model=None)
async def propose(
    request: Request,
    kind: DocumentKind,
    user: Author,
    runtime: RuntimeDep,
    document: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Store the proposal and start its review, then its review page; or the form again: 422
    naming what is wrong with it, 409 when nobody but its author may review it."""
    problems: list[DocumentError] = []
    typed = Typed(await _file_text(file, problems) or document, note.strip())
    problems += _note_problems(typed.note)
    try:
        parsed = read_json_object(typed.document, f"A {_name(kind)}")
        if not problems:
            stored = await propose_change(runtime.services, user, kind, parsed, typed.note)
    except DocumentRefused as refused:
        problems += refused.errors
    except RuleRefused as refused:  # no_reviewer: the text is kept for when someone may review
        conflict = [DocumentError("$", f"{refused.message} ({refused.rule})")]
        return _form(request, user, kind, None, typed, conflict, status.HTTP_409_CONFLICT)
    if problems:
        code = status.HTTP_422_UNPROCESSABLE_CONTENT
        return _form(request, user, kind, None, typed, problems, code)
    flash(request, f"{kind} v{stored.version} proposed: its review has started")
    return RedirectResponse(f"/costs/documents/{kind}/versions/{stored.version}", 303)


async def _file_text(file: UploadFile | None, problems: list[DocumentError]) -> str:
    """The uploaded file's text; empty when no file was chosen (or it cannot be read)."""
    if file is None or not file.filename:
        return ""
    try:
        return (await file.read()).decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(DocumentError("file", f"{file.filename} is not UTF-8 text."))
        return ""


def _note_problems(note: str) -> list[DocumentError]:
    if len(note) > NOTE_LENGTH:
        return [DocumentError("note", f"A note takes at most {NOTE_LENGTH} characters.")]
    try:
        refuse_unstorable_text("The note", note)
    except RuleRefused as refused:
        return [DocumentError("note", refused.message)]
    return []


def _name(kind: DocumentKind) -> str:
    return kind.value.replace("_", " ")


def _form(
    request: Request,
    user: User,
    kind: DocumentKind,
    in_force: int | None,
    typed: Typed,
    problems: list[DocumentError],
    code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "title": f"Propose a new {_name(kind)}",
        "kind": kind.value,
        "kind_name": _name(kind),
        "in_force": in_force,
        "typed": typed,
        "problems": problems,
    }
    return render(request, "costs/document_proposal.html", context, user, status_code=code)
