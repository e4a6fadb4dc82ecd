"""Governed cost documents (tag policy, allocation model, unit-cost model, rate card): every
version kept as uploaded, with who proposed it, who approved or rejected it, and when it took
effect. The version in force at a moment is the newest approved by then."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domain.costs.governance import DocumentKind, DocumentStatus
from models.base import Base, CreatedAt, IntPk, string_enum


class CostDocument(Base):
    __tablename__ = "cost_documents"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[IntPk]
    kind: Mapped[DocumentKind] = mapped_column(string_enum(DocumentKind, "kind"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSONB)
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[DocumentStatus] = mapped_column(
        string_enum(DocumentStatus, "status"), default=DocumentStatus.PROPOSED
    )
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[CreatedAt]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    # Set when approved: the version is in force from then until a newer one is approved.
    effective_from: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
