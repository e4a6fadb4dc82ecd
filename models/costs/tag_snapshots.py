"""Month-end close of tag governance: a period's tag completeness and accuracy per provider,
billing account and team, frozen once. Freezing a period again returns the snapshot it already
has; only a forced re-freeze adds a new version beside the earlier ones (never replacing them),
and each freeze is in the audit trail with who froze it and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.audit_chain import AuditEvent
from models.audit.trail import append_audit_entry
from models.base import Base, CreatedAt, IntPk
from models.costs.tag_compliance import ComplianceRow, tag_compliance
from models.people.records import User


class TagSnapshot(Base):
    __tablename__ = "cost_tag_snapshots"
    __table_args__ = (UniqueConstraint("period", "version"),)

    id: Mapped[IntPk]
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    version: Mapped[int] = mapped_column(Integer)
    policy_version: Mapped[int] = mapped_column(Integer)
    # Per dimension (provider, account, team), its rows: exact decimals as strings.
    figures: Mapped[dict[str, Any]] = mapped_column(JSONB)
    reason: Mapped[str] = mapped_column(String(500), default="")
    frozen_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    frozen_at: Mapped[CreatedAt]


def freeze_tag_snapshot(
    session: Session,
    period: str,
    *,
    actor: User,
    at: datetime,
    force: bool = False,
    reason: str = "",
) -> tuple[TagSnapshot, bool]:
    """The period's snapshot and whether this call froze it. Without ``force`` an existing
    snapshot (the newest version) is kept and returned; with it a new version is frozen. Raises
    ``NoTagPolicy`` or ``BadPeriod`` before storing anything."""
    report = tag_compliance(session, period, at=at)
    # Two closes of one period at once queue here instead of colliding on the version.
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"tag-snapshot:{period}"))))
    newest = latest_snapshot(session, period)
    if newest is not None and not force:
        return newest, False
    snapshot = TagSnapshot(
        period=period,
        version=(newest.version if newest else 0) + 1,
        policy_version=report.policy_version,
        figures={str(d): [snapshot_row(row) for row in rows] for d, rows in report.rows.items()},
        reason=reason,
        frozen_by_id=actor.id,
        frozen_at=at,
    )
    session.add(snapshot)
    session.flush()
    _audit(session, snapshot, actor, replaced=newest)
    return snapshot, True


def snapshot_row(row: ComplianceRow) -> dict[str, Any]:
    def exact(value: object) -> str | None:
        return None if value is None else format(value, "f")

    return {
        "group": row.group,
        "currency": row.currency,
        "cost": exact(row.cost),
        "compliant_cost": exact(row.compliant_cost),
        "untagged_cost": exact(row.untagged_cost),
        "misclassified_cost": exact(row.misclassified_cost),
        "completeness": exact(row.completeness),
        "accuracy": exact(row.accuracy),
        "resources": row.resources,
        "compliant_resources": row.compliant_resources,
    }


def latest_snapshot(session: Session, period: str) -> TagSnapshot | None:
    return session.scalar(
        select(TagSnapshot)
        .where(TagSnapshot.period == period)
        .order_by(TagSnapshot.version.desc())
        .limit(1)
    )


def snapshots(session: Session, limit: int = 24) -> list[TagSnapshot]:
    """The newest snapshots, newest period first, every version."""
    query = select(TagSnapshot).order_by(TagSnapshot.period.desc(), TagSnapshot.version.desc())
    return list(session.scalars(query.limit(limit)))


def _audit(session: Session, row: TagSnapshot, actor: User, replaced: TagSnapshot | None) -> None:
    before = {"version": replaced.version, "figures": replaced.figures} if replaced else None
    after = {"reason": row.reason, "policy_version": row.policy_version, "figures": row.figures}
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=row.frozen_at,
            actor=actor.username,
            action="tag_snapshot.refrozen" if replaced else "tag_snapshot.frozen",
            entity_type="tag_snapshot",
            entity_id=f"{row.period} v{row.version}",
            idempotency_key=f"tag-snapshot:{row.period}:{row.version}",
            before=before,
            after=after,
        ),
    )
