"""What a source's load asks of its configuration and of the loads before it: where its files
are, who owns it, and whether files are already the slices' current loads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models.costs.records import CostSource, CostSourceOwner
from models.people.records import User


def source_named(session: Session, name: str) -> CostSource:
    """The source called ``name``; ``LookupError`` when there is none."""
    source = session.scalar(select(CostSource).where(CostSource.name == name))
    if source is None:
        raise LookupError(f"no cost source named {name!r}")
    return source


def location_of(session: Session, name: str) -> dict[str, Any]:
    return dict(source_named(session, name).location)


def owners_of(session: Session, name: str) -> list[str]:
    """The usernames of the source's owners, the active ones, by name."""
    return list(
        session.scalars(
            select(User.username)
            .join(CostSourceOwner, CostSourceOwner.user_id == User.id)
            .join(CostSource, CostSource.id == CostSourceOwner.source_id)
            .where(CostSource.name == name, User.active)
            .order_by(User.username)
        )
    )


def all_sources(session: Session) -> list[CostSource]:
    return list(session.scalars(select(CostSource).order_by(CostSource.name)))


def files_current(
    session: Session, name: str, billing_period_start: datetime, hashes: Sequence[str]
) -> bool:
    """Whether the files (by SHA-256) are already what the period holds: each was loaded, every
    slice of the period it was loaded into holds it still (its current load has it among its
    files), and those current loads hold no other file. Loading them again would change
    nothing; a new part of a month, or one part fewer, reloads it."""
    if not hashes:
        return False
    given = {"hashes": list(hashes), "source": name, "period": billing_period_start}
    per_file = session.execute(
        text(
            "SELECT h.hash, count(l.id) AS loads, bool_and(EXISTS (SELECT 1 FROM cost_load_files "
            "  now_in WHERE now_in.load_id = s.current_load_id AND now_in.file_hash = h.hash)) "
            "  AS current "
            "FROM unnest(CAST(:hashes AS text[])) AS h(hash) "
            "LEFT JOIN (cost_load_files f "
            "  JOIN cost_loads l ON l.id = f.load_id AND l.status IN ('current', 'replaced') "
            "  JOIN cost_slices s ON s.id = l.slice_id AND s.billing_period_start = :period "
            "  JOIN cost_sources c ON c.id = s.source_id AND c.name = :source) "
            "ON f.file_hash = h.hash "
            "GROUP BY h.hash"
        ),
        given,
    ).all()
    if not all(row.loads > 0 and row.current for row in per_file):
        return False
    others = session.scalar(
        text(
            "SELECT count(*) FROM cost_slices s JOIN cost_sources c ON c.id = s.source_id "
            "JOIN cost_load_files f ON f.load_id = s.current_load_id "
            "WHERE c.name = :source AND s.billing_period_start = :period "
            "AND f.file_hash <> ALL(CAST(:hashes AS text[])) AND EXISTS (SELECT 1 FROM "
            "cost_load_files mine WHERE mine.load_id = s.current_load_id "
            "AND mine.file_hash = ANY(CAST(:hashes AS text[])))"
        ),
        given,
    )
    return not others
