"""The governance tasks' table, written by their workflows' activity and read by the inbox.

A workflow keeps one row per run, keyed by its workflow id: a projection written again at each
change (who it waits on, its deadline, its outcome), never the record of truth."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, String, Text, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.costs.governance_tasks import GovernanceTask
from models.base import Base


class GovernanceTaskRow(Base):
    __tablename__ = "governance_tasks"
    __table_args__ = (
        Index("ix_governance_tasks_waiting_on", "waiting_on", postgresql_using="gin"),
    )

    workflow_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(300))
    waiting_on: Mapped[list[str]] = mapped_column(ARRAY(Text))
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(40))
    facts: Mapped[dict[str, Any]] = mapped_column(JSONB)


def project_task(session: Session, task: GovernanceTask, at: datetime) -> None:
    """Write the task as its workflow holds it now; a closed task waits on nobody."""
    values = {
        "workflow_id": task.workflow_id,
        "kind": task.kind,
        "title": task.title,
        "link": task.link,
        "waiting_on": [] if task.outcome else list(task.waiting_on),
        "deadline": None if task.outcome else task.deadline,
        "opened_at": task.opened_at,
        "closed_at": at if task.outcome else None,
        "outcome": task.outcome,
        "facts": task.facts,
    }
    statement = insert(GovernanceTaskRow).values(**values)
    changed = {k: statement.excluded[k] for k in values if k not in ("workflow_id", "opened_at")}
    session.execute(statement.on_conflict_do_update(index_elements=["workflow_id"], set_=changed))


def open_tasks_for(session: Session, username: str) -> Sequence[GovernanceTaskRow]:
    """The open tasks waiting on ``username``, soonest deadline first."""
    return session.scalars(
        select(GovernanceTaskRow)
        .where(GovernanceTaskRow.waiting_on.contains([username]))
        .order_by(GovernanceTaskRow.deadline.asc().nulls_last(), GovernanceTaskRow.opened_at)
    ).all()


def task_of(session: Session, workflow_id: str) -> GovernanceTaskRow | None:
    return session.get(GovernanceTaskRow, workflow_id)


def open_task_ids(session: Session, kind: str, period: str) -> list[str]:
    """The workflow ids of the open tasks of ``kind`` about ``period`` (their ``period`` fact)."""
    return list(
        session.scalars(
            select(GovernanceTaskRow.workflow_id).where(
                GovernanceTaskRow.kind == kind,
                GovernanceTaskRow.outcome.is_(None),
                GovernanceTaskRow.facts["period"].astext == period,
            )
        )
    )


def open_reviews_before(session: Session, task_kind: str, kind: str, version: int) -> list[str]:
    """The workflow ids of the open review tasks of document ``kind`` older than ``version``."""
    older = GovernanceTaskRow.facts["version"].as_integer() < version
    return list(
        session.scalars(
            select(GovernanceTaskRow.workflow_id).where(
                GovernanceTaskRow.kind == task_kind,
                GovernanceTaskRow.outcome.is_(None),
                GovernanceTaskRow.facts["kind"].astext == kind,
                older,
            )
        )
    )
