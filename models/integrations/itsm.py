"""What ITSM tools delivered: every raw delivery as it came (nothing is lost), and which ticket
became which PO (a ticket becomes one PO however often it is delivered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, Text, UniqueConstraint, func, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, IntPk
from models.purchase_orders.records import next_po_number

RETAKEN = ("received", "unreadable")  # outcomes after which the same delivery is taken again


class ItsmDelivery(Base):
    """One delivery from an ITSM tool, raw, with what became of it."""

    __tablename__ = "itsm_deliveries"
    __table_args__ = (UniqueConstraint("source", "delivery_key"),)

    id: Mapped[IntPk]
    source: Mapped[str] = mapped_column(String(20))
    delivery_key: Mapped[str] = mapped_column(String(300))
    ticket: Mapped[str | None] = mapped_column(String(200), index=True)
    headers: Mapped[dict[str, Any]] = mapped_column(JSONB)
    body: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20), default="received")
    po_number: Mapped[str | None] = mapped_column(String(40))
    problems: Mapped[list[str]] = mapped_column(JSONB, default=list)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class ItsmTicket(Base):
    """A ticket that became a PO."""

    __tablename__ = "itsm_tickets"

    ticket: Mapped[str] = mapped_column(String(200), primary_key=True)
    po_number: Mapped[str] = mapped_column(String(40), unique=True)
    workflow_id: Mapped[str] = mapped_column(String(250))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


@dataclass(frozen=True)
class StoredDelivery:
    id: int
    first: bool  # False: the same delivery came before
    po_number: str | None  # of the earlier delivery, when it started one


def store_delivery(
    session: Session, source: str, key: str, headers: dict[str, str], body: str
) -> StoredDelivery:
    """Keep the raw delivery; a delivery key seen before from the same source stores nothing,
    and counts as new again only when the earlier one could not be taken in."""
    new_id = session.execute(
        insert(ItsmDelivery)
        .values(source=source, delivery_key=key, headers=headers, body=body, problems=[])
        .on_conflict_do_nothing(index_elements=["source", "delivery_key"])
        .returning(ItsmDelivery.id)
    ).scalar()
    if new_id is not None:
        return StoredDelivery(new_id, True, None)
    earlier = session.execute(
        select(ItsmDelivery.id, ItsmDelivery.po_number, ItsmDelivery.outcome).where(
            ItsmDelivery.source == source, ItsmDelivery.delivery_key == key
        )
    ).one()
    return StoredDelivery(earlier.id, earlier.outcome in RETAKEN, earlier.po_number)


def settle_delivery(
    session: Session,
    delivery_id: int,
    outcome: str,
    ticket: str | None,
    po_number: str | None = None,
    problems: list[str] | None = None,
) -> None:
    session.execute(
        update(ItsmDelivery)
        .where(ItsmDelivery.id == delivery_id)
        .values(outcome=outcome, ticket=ticket, po_number=po_number, problems=problems or [])
    )


def claim_ticket(session: Session, ticket: str, workflow_id: str) -> tuple[str, bool]:
    """The ticket's PO number, drawn now unless the ticket became a PO before: (number, new)."""
    known = session.scalar(select(ItsmTicket.po_number).where(ItsmTicket.ticket == ticket))
    if known is not None:
        return known, False
    number = next_po_number(session)
    claimed = session.execute(
        insert(ItsmTicket)
        .values(ticket=ticket, po_number=number, workflow_id=workflow_id)
        .on_conflict_do_nothing(index_elements=["ticket"])
        .returning(ItsmTicket.po_number)
    ).scalar()
    if claimed is None:  # a concurrent delivery of the same ticket committed first
        winner = session.scalar(select(ItsmTicket.po_number).where(ItsmTicket.ticket == ticket))
        assert winner is not None
        return winner, False
    return number, True
