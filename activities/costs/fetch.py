"""Bringing a cost file to the worker's disk, and telling whether the files fetched are the
ones already loaded."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from activities.costs.store_errors import refusals_are_final
from adapters.costs.file_stores import download, store_of
from domain.costs.load_messages import CostFileFetch, FetchedFile, PeriodFiles
from domain.temporal_names import Activity
from models.costs.source_files import files_current, location_of
from settings.cost_files import CostFileStores


class CostFileFetching:
    """Copies a file from its store to the work folder, streamed, hashing it on the way, and
    heartbeats the bytes copied (a stalled copy is retried). A retry copies it again."""

    def __init__(self, sessions: sessionmaker[Session], stores: CostFileStores) -> None:
        self._sessions, self._stores = sessions, stores

    @activity.defn(name=Activity.FETCH_COST_FILE)
    def fetch_cost_file(self, fetch: CostFileFetch) -> FetchedFile:
        with self._sessions() as session:
            location = location_of(session, fetch.source)
        with refusals_are_final(f"{fetch.file.name} ({fetch.file.store} {fetch.file.key})"):
            store = store_of(fetch.file.store, fetch.source, location, self._stores)
            return download(store, fetch.file, self._stores.work_dir, activity.heartbeat)

    @activity.defn(name=Activity.COST_FILES_CURRENT)
    def cost_files_current(self, period: PeriodFiles) -> bool:
        """Whether every file is already its slices' current load (loading it changes nothing)."""
        year, month = map(int, period.billing_period.split("-"))
        with self._sessions() as session:
            return files_current(
                session,
                period.source,
                datetime(year, month, 1, tzinfo=UTC),
                [file.sha256 for file in period.files],
            )
