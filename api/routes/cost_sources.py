"""Cost sources through the API: configured by finance or an admin, read by the people who
read cost data; their account mappings and invoice totals."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from api.cost_access import COST_READERS
from api.deps import RuntimeDep, SessionDep, require_role
from api.schemas.cost_sources import (
    InvoiceTotalIn,
    InvoiceTotalOut,
    MappingIn,
    MappingOut,
    SourceIn,
    SourceListingOut,
    SourceOut,
    UploadAccepted,
)
from domain.catalog import Role
from models.costs.source_settings import AccountMapping, account_mappings, invoice_totals
from models.people.records import User
from services.costs.accounts import enter_invoice_total, set_mappings
from services.costs.imports import Upload, receive_and_load
from services.costs.loads import follow_page
from services.costs.overview import source_statuses
from services.costs.refusals import SourceMissing
from services.costs.sources import SourceSettings, configure_source, existing_source, settings_of
from services.costs.uploads import upload_chunks

router = APIRouter(prefix="/api/costs/sources", tags=["costs"])
Reader = Annotated[User, Depends(require_role(*COST_READERS))]
FinanceOrAdmin = Annotated[User, Depends(require_role(Role.FINANCE, Role.ADMIN))]
UNPROCESSABLE = status.HTTP_422_UNPROCESSABLE_CONTENT


@contextmanager
def found() -> Iterator[None]:
    """A source that does not exist is a 404 naming it."""
    try:
        yield
    except SourceMissing as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(missing)) from missing


def settings_from(name: str, body: SourceIn) -> SourceSettings:
    fields = body.model_dump(exclude={"name"})
    for listed in ("billing_accounts", "owners", "tag_policy_keys"):
        fields[listed] = tuple(fields[listed])
    return SourceSettings(name=name, **fields)


def source_out(settings: SourceSettings) -> SourceOut:
    fields = asdict(settings)
    for listed in ("billing_accounts", "owners", "tag_policy_keys"):
        fields[listed] = list(fields[listed])
    return SourceOut(**fields)


@router.get("")
def list_sources(_: Reader, session: SessionDep) -> list[SourceListingOut]:
    """Every source with its last load and whether its data is late."""
    return [
        SourceListingOut(
            name=s.listing.source.name,
            format=s.listing.source.format,
            provider=s.listing.source.provider,
            last_load_status=s.listing.last_load_status,
            last_load_at=s.listing.last_load_at,
            last_load_file=s.listing.last_load_file,
            newest_data=s.listing.newest_data,
            stale=s.stale,
        )
        for s in source_statuses(session)
    ]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_source(
    body: SourceIn, user: FinanceOrAdmin, session: SessionDep, runtime: RuntimeDep
) -> SourceOut:
    """Configures a new source; 409 ``source_exists`` when the name is taken, 422 naming the
    rule a setting breaks."""
    if body.name is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "a new source needs a name")
    settings = settings_from(body.name, body)
    queue = runtime.settings.temporal_task_queue
    await configure_source(session, runtime.temporal, queue, settings, user.username, create=True)
    return await run_in_threadpool(_source_named, session, settings.name)


def _source_named(session: Session, name: str) -> SourceOut:
    return source_out(settings_of(session, existing_source(session, name)))


@router.get("/{name}")
def get_source(name: str, _: Reader, session: SessionDep) -> SourceOut:
    with found():
        return source_out(settings_of(session, existing_source(session, name)))


@router.put("/{name}")
async def change_source(
    name: str, body: SourceIn, user: FinanceOrAdmin, session: SessionDep, runtime: RuntimeDep
) -> SourceOut:
    """Replaces the source's settings (the name stays) and its refresh schedule's cycle; 422
    naming a broken rule."""
    settings, queue = settings_from(name, body), runtime.settings.temporal_task_queue
    with found():
        await configure_source(
            session, runtime.temporal, queue, settings, user.username, create=False
        )
        return await run_in_threadpool(_source_named, session, name)


@router.get("/{name}/mappings")
def get_mappings(name: str, _: Reader, session: SessionDep) -> list[MappingOut]:
    with found():
        source = existing_source(session, name)
    return [MappingOut(**asdict(m)) for m in account_mappings(session, source.id)]


@router.put("/{name}/mappings")
def put_mappings(
    name: str, body: list[MappingIn], user: FinanceOrAdmin, session: SessionDep
) -> list[MappingOut]:
    """The source's account mappings become these, and the change is audited; 422 with the rule
    (``unknown_cost_center``, ``unknown_gl_account``, ``unknown_contract``,
    ``allocation_required``, ``contract_required``, ``contract_on_account``,
    ``booked_on_commitment_discount``) and nothing is replaced."""
    with found():
        mappings = [AccountMapping(**m.model_dump()) for m in body]
        set_mappings(session, name, mappings, user.username)
        source = existing_source(session, name)
    return [MappingOut(**asdict(m)) for m in account_mappings(session, source.id)]


@router.get("/{name}/invoices")
def get_invoices(name: str, _: Reader, session: SessionDep) -> list[InvoiceTotalOut]:
    with found():
        source = existing_source(session, name)
    return [
        InvoiceTotalOut(
            invoice_id=t.invoice_id,
            billing_period=t.billing_period_start.strftime("%Y-%m"),
            currency=t.currency,
            total=str(t.total),
            tax=None if t.tax is None else str(t.tax),
            entered_by=t.entered_by,
        )
        for t in invoice_totals(session, source.id)
    ]


@router.post("/{name}/invoices", status_code=status.HTTP_201_CREATED)
def post_invoice(
    name: str, body: InvoiceTotalIn, user: FinanceOrAdmin, session: SessionDep
) -> list[InvoiceTotalOut]:
    """Enters an invoice's total (entering it again replaces it); answers every total."""
    tax = None if body.tax is None else Decimal(body.tax)
    with found():
        enter_invoice_total(
            session,
            name,
            body.invoice_id,
            body.billing_period,
            (Decimal(body.total), body.currency),
            tax,
            user.username,
        )
    return get_invoices(name, user, session)


async def _body_chunks(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


async def _form_file(request: Request) -> tuple[AsyncIterator[bytes], str]:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, StarletteUpload):
        raise HTTPException(UNPROCESSABLE, "a multipart upload holds the file in its file field")
    return upload_chunks(upload), upload.filename or "upload"


@router.post(
    "/{name}/files",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            }
        }
    },
)
async def upload_file(
    request: Request,
    name: str,
    user: FinanceOrAdmin,
    session: SessionDep,
    runtime: RuntimeDep,
    filename: Annotated[str | None, Query(max_length=255)] = None,
    billing_period: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None,
) -> UploadAccepted:
    """Streams the file (the raw body, named by ``filename``, or a multipart ``file``) into
    the upload store, any size, and starts the load of its billing period (read from its first
    row, or ``billing_period``): 202 with the load's workflow id and the page that follows it.
    422 ``wrong_format`` or ``unreadable_file`` naming file, row and column (nothing is kept);
    409 ``load_running`` while a load of the same source and period runs."""
    with found():
        source = await run_in_threadpool(existing_source, session, name)
        configured = await run_in_threadpool(settings_of, session, source)
    session.commit()  # the connection goes back while the file streams in
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        chunks, file_name = await _form_file(request)
    elif filename:
        chunks, file_name = _body_chunks(request), filename
    else:
        raise HTTPException(UNPROCESSABLE, "name the file: ?filename=<name>.csv")
    settings = runtime.settings
    started = await receive_and_load(
        runtime.temporal,
        settings.temporal_task_queue,
        settings.cost_files.upload_dir,
        configured,
        Upload(chunks, file_name),
        billing_period,
        user.username,
    )
    return UploadAccepted(
        source=name,
        billing_period=started.billing_period,
        file=started.upload.ref.name,
        sha256=started.upload.sha256,
        bytes=started.upload.size,
        workflow_id=started.handle.id,
        follow=follow_page(started.handle.id),
    )
