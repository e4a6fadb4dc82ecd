"""Governed cost documents: a proposal and the versions stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.field_types import MultiLine
from api.schemas.body import RequestBody
from domain.catalog import Decision
from domain.costs.document_review import ReviewStatus
from domain.costs.governance import DocumentKind, DocumentStatus
from domain.intake import LONG_TEXT


class DocumentIn(RequestBody):
    document: dict[str, Any]
    note: MultiLine = Field(default="", max_length=500)


class DocumentSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: DocumentKind
    version: int
    status: DocumentStatus
    note: str
    proposed_at: datetime
    decided_at: datetime | None
    decision_note: str
    effective_from: datetime | None


class DocumentVersion(DocumentSummary):
    document: dict[str, Any]


class DocumentProposed(BaseModel):
    kind: DocumentKind
    version: int
    status: DocumentStatus


class DocumentDecisionIn(RequestBody):
    action: Literal[Decision.APPROVE, Decision.REJECT]
    comment: MultiLine = Field(default="", max_length=LONG_TEXT)


class DocumentDecisionOut(BaseModel):
    """Where the review stands after the decision: ``approved`` once the version is in force."""

    kind: DocumentKind
    version: int
    status: ReviewStatus
    waiting_on: list[str]
    decided_by: str | None
