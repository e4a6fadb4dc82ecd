"""Governed cost documents (tag policy, allocation model, unit-cost model, rate card): anyone
signed in reads them and their schemas; admins and finance propose new versions, which take
effect once the reviewers the approval policy names approve them (change control: each
proposal's review is a workflow, decided here or on the review page)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status

from api.deps import CurrentUser, RuntimeDep, SessionDep, TemporalDep, require_role
from api.errors import RefusalRoute, invalid_document
from api.idempotency import IdempotencyHeader
from api.params import PositiveInt32
from api.schemas.cost_documents import (
    DocumentDecisionIn,
    DocumentDecisionOut,
    DocumentIn,
    DocumentProposed,
    DocumentSummary,
    DocumentVersion,
)
from domain.costs.governance import DOCUMENT_AUTHORS, DocumentKind
from models.costs.document_rules import RULES
from models.costs.document_store import document_version, document_versions
from models.document_errors import DocumentRefused
from models.people.records import User
from services.costs.document_changes import decide_change, propose_change

router = APIRouter(prefix="/api/costs/documents", tags=["costs"], route_class=RefusalRoute)
DocumentAuthor = Annotated[User, Depends(require_role(*DOCUMENT_AUTHORS))]


@router.get("/{kind}/schema")
def document_schema(kind: DocumentKind, _: CurrentUser) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) a document of ``kind`` must satisfy."""
    rules = RULES.get(kind)
    if rules is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no schema for {kind} yet")
    return rules.schema


@router.get("/{kind}")
def list_documents(
    kind: DocumentKind, _: CurrentUser, session: SessionDep
) -> list[DocumentSummary]:
    """Every version of ``kind``, newest first, with its status."""
    return [DocumentSummary.model_validate(row) for row in document_versions(session, kind)]


@router.get("/{kind}/versions/{version}")
def get_document(
    kind: DocumentKind, version: PositiveInt32, _: CurrentUser, session: SessionDep
) -> DocumentVersion:
    row = document_version(session, kind, version)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no {kind} v{version}")
    return DocumentVersion.model_validate(row)


@router.post(
    "/{kind}",
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"description": "`no_reviewer`: nobody but the author may review it"},
        422: {"description": "`errors` lists each place (`field`) wrong in the document"},
    },
)
async def propose(
    kind: DocumentKind, body: DocumentIn, user: DocumentAuthor, runtime: RuntimeDep
) -> DocumentProposed:
    """Check the document (every error is listed) and store it as the next version of
    ``kind``, proposed, then start its review: it takes effect once the reviewers the approval
    policy names (finance, unless it says otherwise; never its author) approve it. When
    nobody else may review it, not even an admin, it is refused (409 ``no_reviewer``) and
    nothing is stored."""
    try:
        row = await propose_change(runtime.services, user, kind, body.document, body.note)
    except DocumentRefused as refused:
        raise invalid_document(refused, kind, kind) from refused
    return DocumentProposed(kind=row.kind, version=row.version, status=row.status)


@router.post(
    "/{kind}/versions/{version}/decision",
    responses={
        403: {"description": "the author, or someone the review does not wait on (`rule`)"},
        409: {"description": "the version is not waiting for a decision"},
        422: {"description": "no comment with a rejection, or an action other than approve/reject"},
    },
)
async def decide(
    kind: DocumentKind,
    version: PositiveInt32,
    body: DocumentDecisionIn,
    user: CurrentUser,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> DocumentDecisionOut:
    """Approve or reject a proposed version as one of the reviewers it waits on. The last
    approval puts it in force before this answers; the author is refused (403
    ``author_may_not_decide``) whatever role they hold, and nothing is recorded then."""
    view = await decide_change(
        temporal, user, kind, version, body.action, body.comment, idempotency_key
    )
    return DocumentDecisionOut(
        kind=kind,
        version=version,
        status=view.status,
        waiting_on=view.waiting_on(),
        decided_by=view.decided_by,
    )
