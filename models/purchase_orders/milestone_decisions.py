"""Each side's acceptance or rejection of a delivered milestone of an issued PO, projected from
its workflow: which milestone and delivery, for which side, by whom, against which criteria."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.milestone_acceptance import AcceptanceSide, MilestoneDecisionRecord, MilestoneVerdict
from models.base import Base, IntPk, string_enum


class PoMilestoneDecision(Base):
    """One side's decision on one delivery (a ``milestone_delivered`` receipt) of a milestone."""

    __tablename__ = "po_milestone_decisions"

    id: Mapped[IntPk]
    po_number: Mapped[str] = mapped_column(ForeignKey("purchase_orders.po_number"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    decision_number: Mapped[int] = mapped_column(Integer)
    milestone: Mapped[str] = mapped_column(String(500))
    delivery_receipt: Mapped[int] = mapped_column(Integer)
    side: Mapped[AcceptanceSide] = mapped_column(string_enum(AcceptanceSide, "acceptance_side"))
    verdict: Mapped[MilestoneVerdict] = mapped_column(
        string_enum(MilestoneVerdict, "milestone_verdict")
    )
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    comment: Mapped[str] = mapped_column(String(4000), default="")
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)


def record_milestone_decision(
    session: Session, po_number: str, revision: int, record: MilestoneDecisionRecord, key: str
) -> None:
    """Once per ``key`` (workflow id and change number): a retried projection adds nothing."""
    taken = select(PoMilestoneDecision.id).where(PoMilestoneDecision.idempotency_key == key)
    if session.scalar(taken):
        return
    session.add(
        PoMilestoneDecision(
            po_number=po_number,
            revision=revision,
            decision_number=record.number,
            milestone=record.milestone,
            delivery_receipt=record.delivery,
            side=record.side,
            verdict=record.verdict,
            criteria=[asdict(result) for result in record.criteria],
            comment=record.comment,
            decided_by=record.actor,
            decided_at=record.decided_at,
            idempotency_key=key,
        )
    )


def milestone_decisions_of(session: Session, po_number: str) -> Sequence[PoMilestoneDecision]:
    """A PO's milestone decisions in the order they were taken."""
    query = select(PoMilestoneDecision).where(PoMilestoneDecision.po_number == po_number)
    return session.scalars(query.order_by(PoMilestoneDecision.decision_number)).all()
