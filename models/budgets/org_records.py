"""Versions of the org, each in force from its effective date until the next one's: the
cost-center hierarchy (center -> parent) and the org chart (person -> cost center, manager)
as an import stated them. What the cost-center table says (``cost_centers.parent_id``) is the
structure of today; these say what it was, or will be, on a given day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPk

ORG_IMPORT_FORMATS = ("csv", "scim")  # and "baseline": the structure before any import


class OrgVersion(Base):
    __tablename__ = "org_versions"
    __table_args__ = (
        CheckConstraint("source IN ('baseline', 'csv', 'scim')", name="source_is_known"),
    )

    id: Mapped[IntPk]
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    source: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class OrgVersionCenter(Base):
    """A cost center's parent in a version (NULL: a business unit)."""

    __tablename__ = "org_version_centers"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("org_versions.id", ondelete="CASCADE"), primary_key=True
    )
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"), primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cost_centers.id"))


class OrgVersionPerson(Base):
    """A person's cost center and manager in a version."""

    __tablename__ = "org_version_people"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("org_versions.id", ondelete="CASCADE"), primary_key=True
    )
    person: Mapped[str] = mapped_column(String(200), primary_key=True)
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"), index=True)
    manager: Mapped[str | None] = mapped_column(String(200))
