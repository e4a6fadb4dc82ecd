"""The hourly check for sources whose data is late."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from activities.costs.notify import CostOwnerNotices
from domain.temporal_names import Activity
from models.costs.freshness import late_sources

log = logging.getLogger("poflow.costs")


class CostFreshness:
    """Finds the late sources (``models.costs.freshness``) and tells their owners once a day
    while a source stays late; a message that cannot be sent is tried again at the next check."""

    def __init__(self, sessions: sessionmaker[Session], notices: CostOwnerNotices) -> None:
        self._sessions, self._notices = sessions, notices

    @activity.defn(name=Activity.CHECK_COST_FRESHNESS)
    def check_cost_freshness(self, now: datetime) -> list[str]:
        """The report line of each late source."""
        with self._sessions() as session:
            late = late_sources(session, now)
        for source in late:
            try:
                self._notices.tell_late(source, now.date().isoformat())
            except Exception as error:
                log.warning("late data of %s not told: %r", source.source, error)
        return [source.line for source in late]
