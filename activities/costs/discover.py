"""Finding the files of a source's billing period where they wait."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from activities.costs.store_errors import refusals_are_final
from adapters.costs.file_stores import UPLOAD, files_of, store_of
from domain.costs.load_messages import CostFileRef, CostLoadRequest
from domain.temporal_names import Activity
from models.costs.source_files import location_of
from settings.cost_files import CostFileStores


class CostFileDiscovery:
    """Lists a billing period's files at the source's location (its folder or bucket), or
    among its uploads when it has none. Reads only; safe to retry."""

    def __init__(self, sessions: sessionmaker[Session], stores: CostFileStores) -> None:
        self._sessions, self._stores = sessions, stores

    @activity.defn(name=Activity.DISCOVER_COST_FILES)
    def discover_cost_files(self, request: CostLoadRequest) -> list[CostFileRef]:
        with self._sessions() as session:
            location = location_of(session, request.source)
        kind = str(location.get("kind") or UPLOAD)
        with refusals_are_final(f"the {kind} files of {request.source}"):
            store = store_of(kind, request.source, location, self._stores)
            found = files_of(store, request.billing_period)
        activity.logger.info(
            "%s %s: %d files at %s", request.source, request.billing_period, len(found), kind
        )
        return found
