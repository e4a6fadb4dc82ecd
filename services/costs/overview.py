"""The list of cost sources as operators read it: each with its last load and whether its
newest data is older than its latency threshold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from models.costs.source_settings import SourceListing, source_listings


@dataclass(frozen=True)
class SourceStatus:
    listing: SourceListing
    stale: bool


def is_stale(newest: date | None, threshold_hours: int, now: datetime) -> bool:
    """Data is stale when its newest day ended more than ``threshold_hours`` before ``now``;
    a source that never loaded is not stale, it is waiting for its first file."""
    if newest is None:
        return False
    day_end = datetime.combine(newest + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return now - day_end > timedelta(hours=threshold_hours)


def source_statuses(session: Session, now: datetime | None = None) -> list[SourceStatus]:
    at = now or datetime.now(UTC)
    return [
        SourceStatus(
            listing, is_stale(listing.newest_data, listing.source.latency_threshold_hours, at)
        )
        for listing in source_listings(session)
    ]
