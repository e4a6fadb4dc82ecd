"""Where money is accounted: cost centers (a hierarchy with owners; a root is a business unit),
GL accounts, projects, and the IT services that cost is allocated to and charged for."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, IntPk
from models.people.records import User


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
    # The legal entity that books this cost center's money; charges between two entities carry
    # the transfer-pricing markup.
    legal_entity: Mapped[str | None] = mapped_column(String(40))
    # The effective day of the org version whose import created it; before that day the
    # hierarchy leaves it out. None: it was there before any import.
    opened_on: Mapped[date | None] = mapped_column(Date)

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


class ItService(Base):
    """An IT service in the catalogue ("virtual server", "identity"): what allocation charges
    cost to and unit costs are priced for, provided by (and credited to) one cost center."""

    __tablename__ = "it_services"

    id: Mapped[IntPk]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    provider_cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


def owns_it_service(session: Session, username: str) -> bool:
    """Whether the person owns an active IT service: IT operations, who accept deliverables."""
    owned = (
        select(ItService.id)
        .join(User, User.id == ItService.owner_id)
        .where(User.username == username, User.active.is_(True), ItService.active.is_(True))
    )
    return session.scalar(owned.limit(1)) is not None
