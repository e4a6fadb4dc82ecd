"""Cost sources, their owners and what loads left of them in the demo database."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from domain.catalog import Role
from models import OutboundMessage
from models.costs.records import CostSource, CostSourceOwner
from models.db import unit_of_work
from models.people.accounts import upsert_user


def a_source(
    sessions: sessionmaker[Session], location: dict[str, Any], **config: Any
) -> tuple[str, str]:
    """A committed source at ``location`` (format detected from each file) and its owner, a
    finance user who reads e-mail; their names. A CUR lacks columns FOCUS makes mandatory:
    its lines are kept and flagged, not quarantined."""
    name, owner = f"src-{uuid.uuid4().hex[:8]}", f"fin-{uuid.uuid4().hex[:8]}"
    with unit_of_work(sessions) as session:
        user = upsert_user(session, owner, roles=(Role.FINANCE,), display_name="Fay Finance")
        source = CostSource(
            name=name,
            format="auto",
            provider="AWS",
            base_currency="USD",
            location=location,
            **{"quality_actions": {"missing_mandatory": "keep_and_flag"}, **config},
        )
        session.add(source)
        session.flush()
        session.add(CostSourceOwner(source_id=source.id, user_id=user.id))
    return name, owner


def visible_lines(sessions: sessionmaker[Session], source: str) -> tuple[int, set[str]]:
    """How many lines of the source a reader sees, and the files they came from."""
    files = lines_per_file(sessions, source)
    return sum(count for count, _, _ in files.values()), set(files)


def lines_per_file(
    sessions: sessionmaker[Session], source: str
) -> dict[str, tuple[int, Decimal, list[int]]]:
    """Per file the source's visible lines came from (each line's own file): how many, their
    BilledCost summed, and their file rows in order."""
    with sessions() as session:
        rows = session.execute(
            text(
                "SELECT f.file_name, count(*) AS lines, sum(c.billed_cost) AS billed, "
                "array_agg(c.file_row ORDER BY c.file_row) AS file_rows "
                "FROM cost_lines c JOIN cost_load_files f "
                "ON f.load_id = c.load_id AND f.file_index = c.file_index "
                "JOIN cost_loads l ON l.id = c.load_id "
                "JOIN cost_sources s ON s.id = l.source_id WHERE s.name = :source "
                "GROUP BY f.file_name"
            ),
            {"source": source},
        )
        return {
            row.file_name: (int(row.lines), Decimal(row.billed).normalize(), list(row.file_rows))
            for row in rows
        }


def messages_to(sessions: sessionmaker[Session], owner: str, kind: str) -> list[str]:
    with sessions() as session:
        return list(
            session.scalars(
                select(OutboundMessage.subject)
                .where(
                    OutboundMessage.recipient == owner,
                    OutboundMessage.body["kind"].astext == kind,
                )
                .order_by(OutboundMessage.id)
            )
        )


def created_at(sessions: sessionmaker[Session], source: str, when: datetime) -> None:
    with unit_of_work(sessions) as session:
        session.execute(
            text("UPDATE cost_sources SET created_at = :when WHERE name = :source"),
            {"when": when, "source": source},
        )


def count_loads(sessions: sessionmaker[Session], source: str, status: str) -> int:
    with sessions() as session:
        return int(
            session.scalar(
                text(
                    "SELECT count(*) FROM cost_loads l JOIN cost_sources s ON s.id = l.source_id "
                    "WHERE s.name = :source AND l.status = :status"
                ),
                {"source": source, "status": status},
            )
            or 0
        )
