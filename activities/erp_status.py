"""Reading the ERP's event feed, for ERPs that do not call poflow's webhook: each new status
event is kept once and handed to the workflow of the PO it is about."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from adapters.ports import ErpFeedPort
from domain.erp_messages import EventForPo, FeedPage
from domain.temporal_names import Activity
from models.db import unit_of_work
from models.integrations.erp_events import (
    feed_cursor,
    keep_event,
    po_workflow_for,
    save_feed_cursor,
)

FEED = "erp"


class ErpStatusActivities:
    def __init__(self, sessions: sessionmaker[Session], feed: ErpFeedPort) -> None:
        self._sessions = sessions
        self._feed = feed

    @activity.defn(name=Activity.READ_ERP_EVENTS)
    def read_erp_events(self) -> FeedPage:
        """The events after the saved cursor. An event read again (the cursor was not saved
        after a failure) comes again: the PO's workflow takes each event id once."""
        with unit_of_work(self._sessions) as session:
            cursor = feed_cursor(session, FEED)
        events, next_cursor = self._feed.events_after(cursor)
        found: list[EventForPo] = []
        with unit_of_work(self._sessions) as session:
            for event in events:
                workflow_id = po_workflow_for(session, event)
                if workflow_id is None:
                    activity.logger.info("ERP event %s: no PO of poflow's", event.event_id)
                    continue
                keep_event(session, event, asdict(event))
                found.append(EventForPo(workflow_id, event))
        return FeedPage(found, next_cursor)

    @activity.defn(name=Activity.SAVE_ERP_CURSOR)
    def save_erp_cursor(self, cursor: str | None) -> None:
        with unit_of_work(self._sessions) as session:
            save_feed_cursor(session, FEED, cursor)
