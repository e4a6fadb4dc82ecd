"""Where money is accounted: cost centers (a hierarchy with owners), GL accounts, projects."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPk


class CostCenter(Base):
    __tablename__ = "cost_centers"

    id: Mapped[IntPk]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cost_centers.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    # Fiscal policy: reserve budget when the PO is raised ("creation"), or only at invoice.
    reserve_at: Mapped[str] = mapped_column(
        String(20), default="creation", server_default="creation"
    )

    __table_args__ = (
        CheckConstraint("reserve_at IN ('creation', 'invoice')", name="reserve_at_is_known"),
    )


class GlAccount(Base):
    __tablename__ = "gl_accounts"

    id: Mapped[IntPk]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    capex: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[IntPk]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
