"""Which sources are late: their newest charge data (the end of the last day their current
lines charge for) is older than their latency threshold. A source with no data yet is late once
it has existed longer than its threshold. The report line other pages list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.costs.records import CostDaily, CostSource


@dataclass(frozen=True)
class LateSource:
    """One late source: its newest data (None: never loaded), its threshold, how late it is."""

    source: str
    newest_data: datetime | None
    latency_threshold_hours: int
    hours_late: int

    @property
    def line(self) -> str:
        newest = self.newest_data.strftime("%Y-%m-%d %H:%M UTC") if self.newest_data else "none"
        return (
            f"{self.source}: newest cost data {newest}, {self.hours_late} h past its "
            f"{self.latency_threshold_hours} h latency threshold"
        )


def late_sources(session: Session, now: datetime) -> list[LateSource]:
    """Every source whose newest charge data is older than its latency threshold at ``now``,
    by name."""
    newest_day = (
        select(CostDaily.source_id, func.max(CostDaily.usage_date).label("day"))
        .group_by(CostDaily.source_id)
        .subquery()
    )
    rows = session.execute(
        select(CostSource, newest_day.c.day)
        .outerjoin(newest_day, newest_day.c.source_id == CostSource.id)
        .order_by(CostSource.name)
    ).all()
    late: list[LateSource] = []
    for source, day in rows:
        newest = datetime.combine(day + timedelta(days=1), time(), UTC) if day else None
        since = newest or source.created_at
        overdue = now - since - timedelta(hours=source.latency_threshold_hours)
        if overdue > timedelta(0):
            hours = int(overdue / timedelta(hours=1))
            late.append(LateSource(source.name, newest, source.latency_threshold_hours, hours))
    return late
