"""The monthly ``RecommendationReview``'s one step: the month's optimisation detection, the same
the pages, the JSON API and the CLI run (docs/optimisation.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.costs.recommendations import ReviewOutcome, ReviewRequest
from domain.temporal_names import Activity
from models.costs.recommendation_detection import detect
from models.db import unit_of_work


class RecommendationActivities:
    """Detection stores each recommendation once per kind, resource and month, so a retry (or a
    second run) adds nothing."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @activity.defn(name=Activity.FIND_RECOMMENDATIONS)
    def find_recommendations(self, request: ReviewRequest) -> ReviewOutcome:
        """Judge the month ``request`` names (``YYYY-MM``; another text fails for good)."""
        month = date.fromisoformat(f"{request.period}-01")
        with unit_of_work(self._sessions) as session:
            found = detect(session, month, datetime.now(UTC))
        return ReviewOutcome(request.period, found.found, found.new)
