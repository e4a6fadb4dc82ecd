"""Governed cost documents: a proposal and the versions stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.body import RequestBody
from domain.costs.governance import DocumentKind, DocumentStatus


class DocumentIn(RequestBody):
    document: dict[str, Any]
    note: str = Field(default="", max_length=500)


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
