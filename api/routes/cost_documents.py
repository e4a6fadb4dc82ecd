"""Governed cost documents (tag policy, allocation model, unit-cost model, rate card): anyone
signed in reads them and their schemas; admins and finance propose new versions, which take
effect once approved under change control."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status

from api.deps import CurrentUser, SessionDep, require_role
from api.errors import RefusalRoute, Refused
from api.params import PositiveInt32
from api.schemas.cost_documents import (
    DocumentIn,
    DocumentProposed,
    DocumentSummary,
    DocumentVersion,
)
from domain.catalog import Role
from domain.costs.governance import DocumentKind
from models.costs.document_rules import RULES
from models.costs.document_store import document_version, document_versions, propose_document
from models.document_errors import DocumentRefused
from models.people.records import User

router = APIRouter(prefix="/api/costs/documents", tags=["costs"], route_class=RefusalRoute)
DocumentAuthor = Annotated[User, Depends(require_role(Role.ADMIN, Role.FINANCE))]


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
    responses={422: {"description": "`errors` lists each place (`field`) wrong in the document"}},
)
def propose(
    kind: DocumentKind, body: DocumentIn, user: DocumentAuthor, session: SessionDep
) -> DocumentProposed:
    """Check the document (every error is listed) and store it as the next version of
    ``kind``, proposed: it takes effect once someone else approves it."""
    try:
        row = propose_document(
            session, kind, body.document, note=body.note, author=user, at=datetime.now(UTC)
        )
    except DocumentRefused as refused:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"the {kind} document is not valid",
            rule=f"invalid_{kind}",
            errors=[
                {"field": e.path, "message": e.message, "type": kind, "rule": f"{kind}_schema"}
                for e in refused.errors
            ],
        ) from refused
    return DocumentProposed(kind=row.kind, version=row.version, status=row.status)
