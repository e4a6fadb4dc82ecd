"""Bringing a cost file to the worker's disk, and telling whether the files fetched are the
ones already loaded."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from activities.costs.store_errors import refusals_are_final
from adapters.costs.file_stores import download, store_of
from domain.costs.load_messages import CostFileFetch, FetchedFile, PeriodFiles
from domain.temporal_names import Activity
from models.costs.source_files import files_current, location_of
from settings.cost_files import CostFileStores


class CostFileFetching:
    """Copies a file from its store to the load's own folder under the work folder, streamed,
    hashing it on the way, and heartbeats the bytes copied (a stalled copy is retried). A retry
    copies it again; the load discards its folder when it ends."""

    def __init__(self, sessions: sessionmaker[Session], stores: CostFileStores) -> None:
        self._sessions, self._stores = sessions, stores

    @activity.defn(name=Activity.FETCH_COST_FILE)
    def fetch_cost_file(self, fetch: CostFileFetch) -> FetchedFile:
        with self._sessions() as session:
            location = location_of(session, fetch.source)
        with refusals_are_final(f"{fetch.file.name} ({fetch.file.store} {fetch.file.key})"):
            store = store_of(fetch.file.store, fetch.source, location, self._stores)
            return download(store, fetch.file, self._folder(), activity.heartbeat)

    @activity.defn(name=Activity.DISCARD_FETCHED_COST_FILES)
    def discard_fetched_cost_files(self) -> None:
        """Delete what the calling load fetched (its folder; none is fine)."""
        shutil.rmtree(self._folder(), ignore_errors=True)

    def _folder(self) -> Path:
        """The calling load's folder: one per workflow, so two loads fetching the same file
        never share (nor delete) one copy."""
        return self._stores.work_dir / re.sub(r"[^\w.-]", "_", activity.info().workflow_id or "")

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
