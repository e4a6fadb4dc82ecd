"""What the cost-load workflow, its activities and its callers exchange.

One workflow per source x billing period (``cost_load_workflow_id``): it discovers or is given
the period's files, fetches each to the worker's disk, ingests it into staging tables (one per
slice, invisible), swaps all of them in at once, reconciles, books the actuals and tells the
source's owners."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CostFileRef:
    """A file to load: the store it waits in (``upload``, ``folder``, ``s3``), its key there
    (a path under the store's root, or an object key) and the name users see."""

    store: str
    key: str
    name: str


@dataclass(frozen=True)
class CostLoadRequest:
    """Load ``billing_period`` (``YYYY-MM``) of ``source`` from ``files``, or, with none, from the
    files discovered at the source's location."""

    source: str
    billing_period: str
    files: tuple[CostFileRef, ...] = ()
    requested_by: str = "poflow"


@dataclass(frozen=True)
class FetchedFile:
    """A file on the worker's disk, ready to ingest."""

    path: str
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class CostFileFetch:
    """Fetch ``file`` of ``source`` (whose location says where its folder or bucket is)."""

    source: str
    file: CostFileRef


@dataclass(frozen=True)
class PeriodFiles:
    """The files fetched for ``source``'s ``billing_period``."""

    source: str
    billing_period: str
    files: tuple[FetchedFile, ...]


@dataclass(frozen=True)
class LoadProgress:
    """Where a running load stands (the workflow's ``progress`` query)."""

    status: str
    rows: int
    files: int


@dataclass(frozen=True)
class StagedLoad:
    """A load an earlier file of the run opened for a slice (billing account, billing period
    start as ISO text); a later file holding lines of that slice adds to it."""

    load_id: int
    slice_id: int
    billing_account_id: str
    billing_period_start: str


@dataclass(frozen=True)
class IngestRequest:
    """Ingest one fetched file of ``source``: lines of another billing period than
    ``billing_period`` (when given) or of an account the source does not own refuse the file.
    ``file_index`` is the file's place in the run; its lines of a slice in ``staged`` go into
    that load, beside the earlier files' lines."""

    source: str
    file: FetchedFile
    billing_period: str | None = None
    workflow_id: str | None = None
    file_index: int = 0
    staged: tuple[StagedLoad, ...] = ()


@dataclass(frozen=True)
class IngestOutcome:
    """The staged loads (one per slice, not yet visible) and what the file held."""

    load_ids: tuple[int, ...]
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_flagged: int
    report: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CostLoadResult:
    """How a cost-load run ended: ``loaded``, ``unchanged`` (every file already current) or
    ``failed`` with the problem (file, row, column) and nothing of it visible."""

    source: str
    billing_period: str
    status: str
    load_ids: tuple[int, ...] = ()
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_flagged: int = 0
    problem: str | None = None


def cost_load_workflow_id(source: str, billing_period: str) -> str:
    """One load workflow per source and billing period: ``cost-load-<source>-<YYYY-MM>``."""
    return f"cost-load-{source}-{billing_period}"
