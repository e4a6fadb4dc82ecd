"""Bringing a cost file in, from the API, the page or the command line: the file is kept in
the upload store, checked, and the load of its billing period started.

Guarantees: a file that cannot be read or is of another format than its source's is refused
(``CostRefused`` naming file, row and column) with nothing kept and no load started; a file
imported for a source that does not exist yet creates it, with the format its header shows."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client, WorkflowHandle

from domain.costs.errors import CostFileError
from domain.costs.load_messages import CostLoadResult
from models.costs.source_settings import source_named
from services.costs.accounts import period_start
from services.costs.file_check import FileFacts, file_facts, is_wrong_format
from services.costs.loads import start_load
from services.costs.refusals import CostRefused
from services.costs.sources import SourceSettings, save_source, settings_of
from services.costs.uploads import ReceivedFile, StoredUpload, discard, keep, receive
from workflows.costs.schedules import ensure_cost_schedules

# What ``--format`` may say, and the family of detected formats each accepts.
FORMAT_CHOICES = ("auto", "focus", "aws-cur", "azure", "csv")
_FAMILY = {"focus": "focus", "aws-cur": "aws", "azure": "azure"}
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class LoadStarted:
    source: str
    billing_period: str
    upload: StoredUpload
    handle: WorkflowHandle[object, CostLoadResult]


def stored_mapping(settings: SourceSettings) -> dict[str, dict[str, str]]:
    return {"columns": dict(settings.column_mapping), "constants": dict(settings.constants)}


async def load_received(
    temporal: Client,
    task_queue: str,
    upload_dir: Path,
    source: SourceSettings,
    received: ReceivedFile,
    billing_period: str | None,
    actor: str,
) -> LoadStarted:
    """Keeps the received file for ``source`` and starts the load of its billing period (or
    ``billing_period``, when given). Refused, it keeps nothing: a load that cannot start takes
    back the file this upload placed."""
    if billing_period is not None:
        try:
            period_start(billing_period)  # refuses what is not YYYY-MM
        except CostRefused:
            discard(received)
            raise
    stored = keep(received, upload_dir, source.name, source.format, stored_mapping(source))
    period = billing_period or stored.facts.billing_period
    try:
        handle = await start_load(temporal, task_queue, source.name, period, [stored.ref], actor)
    except CostRefused:
        if stored.placed is not None:
            stored.placed.unlink(missing_ok=True)
        raise
    return LoadStarted(source.name, period, stored, handle)


def detected(path: Path, format_hint: str) -> FileFacts:
    """The file's facts with its format detected from its header, which must be of the family
    ``format_hint`` names (``auto``: any)."""
    if format_hint == "csv":
        raise CostRefused(
            "mapping_required",
            "a generic CSV is read through its source's column mapping: configure the source "
            "(page or API) and name it with --source",
        )
    try:
        facts = file_facts(path, path.name, "auto", {})
    except CostFileError as error:
        rule = "wrong_format" if is_wrong_format(error) else "unreadable_file"
        raise CostRefused(rule, str(error)) from error
    family = _FAMILY.get(format_hint)
    if family is not None and facts.format.split("-")[0] != family:
        raise CostRefused(
            "wrong_format", f"{path.name}: the header is {facts.format}, not {format_hint}"
        )
    return facts


def source_name_for(facts: FileFacts) -> str:
    """A source name from the file's provider (``Amazon Web Services`` -> ``amazon-web-services``),
    or from its format when it names none."""
    slug = re.sub(r"[^a-z0-9]+", "-", (facts.provider or "").lower()).strip("-")
    return slug[:120] or facts.format.split("-")[0]


async def source_for_import(
    sessions: sessionmaker[Session],
    temporal: Client,
    task_queue: str,
    path: Path,
    request: tuple[str | None, str, str, str],
) -> SourceSettings:
    """The source a file is imported for (``request``: its name or None, the format hint, the
    base currency and the actor): the one named, or one named after the file's provider;
    created with the detected format, and its refresh schedule, when missing."""
    name, format_hint, currency, actor = request
    settings, created = await asyncio.to_thread(
        _source_for_file, sessions, path, name, format_hint, (currency, actor)
    )
    if created:
        await ensure_cost_schedules(temporal, task_queue, [settings])
    return settings


def _source_for_file(
    sessions: sessionmaker[Session],
    path: Path,
    name: str | None,
    format_hint: str,
    defaults: tuple[str, str],
) -> tuple[SourceSettings, bool]:
    with sessions.begin() as session:
        existing = source_named(session, name) if name else None
        if existing is not None:
            return settings_of(session, existing), False
        facts = detected(path, format_hint)
        wanted = name or source_name_for(facts)
        existing = source_named(session, wanted)
        if existing is not None:
            return settings_of(session, existing), False
        currency, actor = defaults
        family = "focus" if facts.format.startswith("focus") else facts.format
        settings = SourceSettings(wanted, family, facts.provider or family, base_currency=currency)
        save_source(session, settings, actor, create=True)
        return settings, True


async def file_chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk


async def import_file(
    temporal: Client,
    task_queue: str,
    upload_dir: Path,
    source: SourceSettings,
    path: Path,
    billing_period: str | None,
    actor: str,
) -> LoadStarted:
    """Copies the file into the upload store and starts its load."""
    upload = Upload(file_chunks(path), path.name)
    return await receive_and_load(
        temporal, task_queue, upload_dir, source, upload, billing_period, actor
    )


@dataclass(frozen=True)
class Upload:
    """A file arriving in chunks, and its name."""

    chunks: AsyncIterator[bytes]
    name: str


async def receive_and_load(
    temporal: Client,
    task_queue: str,
    upload_dir: Path,
    source: SourceSettings,
    upload: Upload,
    billing_period: str | None,
    actor: str,
) -> LoadStarted:
    """Keeps the streamed file in the upload store and starts the load of its billing period
    (``load_received``)."""
    received = await receive(upload.chunks, upload_dir, upload.name)
    return await load_received(
        temporal, task_queue, upload_dir, source, received, billing_period, actor
    )
