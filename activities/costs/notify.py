"""Telling a source's owners how its load ended, or that its data is late, through each
owner's chosen channels (``activities.notification_router``)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from adapters.ports import NotificationPort
from domain.costs.load_messages import CostLoadResult
from domain.notifications import Notification
from domain.temporal_names import Activity
from models.costs.freshness import LateSource
from models.costs.source_files import owners_of

log = logging.getLogger("poflow.costs")

LOADED, FAILED, LATE = "cost_load_loaded", "cost_load_failed", "cost_data_late"


class CostOwnerNotices:
    """Each owner gets a message once per load run (or once a day while the data is late): a
    retried activity sends again only what did not go out. A message that cannot be sent never
    fails the load: the workflow logs it and goes on."""

    def __init__(self, sessions: sessionmaker[Session], notifications: NotificationPort) -> None:
        self._sessions, self._notifications = sessions, notifications

    @activity.defn(name=Activity.NOTIFY_COST_OWNERS)
    def notify_cost_owners(self, result: CostLoadResult) -> int:
        """Tell the owners how the load ended; the number of owners told."""
        info = activity.info()
        kind = FAILED if result.status == "failed" else LOADED
        key = f"{info.workflow_id}:{info.workflow_run_id}:{result.status}"
        return self._tell(result.source, kind, _load_subject(result), key, _load_facts(result))

    def tell_late(self, late: LateSource, today: str) -> int:
        """Tell the owners the source's data is late (once a day per source)."""
        facts = {
            "source": late.source,
            "newest_data": late.newest_data.isoformat() if late.newest_data else None,
            "latency_threshold_hours": late.latency_threshold_hours,
            "hours_late": late.hours_late,
        }
        subject = f"Cost data of {late.source} is late"
        return self._tell(late.source, LATE, subject, f"cost-late:{late.source}:{today}", facts)

    def _tell(self, source: str, kind: str, subject: str, key: str, facts: dict[str, Any]) -> int:
        with self._sessions() as session:
            owners = owners_of(session, source)
        failed: list[Exception] = []
        for owner in owners:
            try:
                self._notifications.send(
                    Notification(owner, kind, subject, None, f"{key}:{owner}", facts)
                )
            except Exception as error:  # the others are still told; the retry resends this one
                log.warning("%s: %s not told: %r", key, owner, error)
                failed.append(error)
        if failed:
            raise failed[0]
        return len(owners)


def _load_subject(result: CostLoadResult) -> str:
    what = f"Cost load of {result.source} {result.billing_period}"
    if result.status == "failed":
        return f"{what} failed"
    return f"{what}: {result.rows_loaded} rows loaded"


def _load_facts(result: CostLoadResult) -> dict[str, Any]:
    return {
        "source": result.source,
        "billing_period": result.billing_period,
        "status": result.status,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "rows_flagged": result.rows_flagged,
        "load_ids": list(result.load_ids),
        "problem": result.problem,
    }
