"""What finance and admins do on a cost source's page besides its settings: map an account to a
cost center and GL account or a commitment discount to a contract, enter an invoice's total,
and upload a file, which starts its load and leads to the page that follows it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import RuntimeDep, SessionDep
from api.web.cost_source_pages import UNPROCESSABLE, Editor, source_detail, source_or_404
from api.web.render import flash
from api.web.session import CsrfChecked
from models.costs.source_settings import AccountMapping, account_mappings
from services.costs.accounts import enter_invoice_total, set_mappings
from services.costs.imports import Upload, receive_and_load
from services.costs.loads import follow_page
from services.costs.refusals import CostRefused
from services.costs.sources import settings_of
from services.costs.uploads import upload_chunks

router = APIRouter(prefix="/costs/sources", include_in_schema=False)


@router.post("/{name}/mappings", dependencies=[CsrfChecked], response_model=None)
def change_mappings(
    request: Request,
    name: str,
    user: Editor,
    session: SessionDep,
    account_kind: Annotated[str, Form()] = "billing_account",
    account_id: Annotated[str, Form()] = "",
    cost_center: Annotated[str, Form()] = "",
    gl_account: Annotated[str, Form()] = "",
    po_number: Annotated[str, Form()] = "",
    contract: Annotated[str, Form()] = "",
    remove: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Adds (or replaces) one account's or commitment discount's mapping, or with ``remove``
    (``kind:account``) drops it; a field left empty names nothing."""
    source = source_or_404(session, name)
    mappings = account_mappings(session, source.id)
    if remove:
        kept = [m for m in mappings if f"{m.account_kind}:{m.account_id}" != remove]
    else:
        chosen = (cost_center, gl_account, po_number, contract)
        new = AccountMapping(account_kind, account_id.strip(), *(c.strip() or None for c in chosen))
        same = (new.account_kind, new.account_id)
        kept = [m for m in mappings if (m.account_kind, m.account_id) != same] + [new]
    try:
        set_mappings(session, name, kept, user.username)
    except CostRefused as refused:
        session.rollback()
        errors = {"mappings": refused.message}
        return source_detail(request, session, user, name, errors, None, UNPROCESSABLE)
    flash(request, f"Account mappings of {name} saved")
    return RedirectResponse(f"/costs/sources/{name}#mappings", status_code=303)


@router.post("/{name}/invoices", dependencies=[CsrfChecked], response_model=None)
def add_invoice_total(
    request: Request,
    name: str,
    user: Editor,
    session: SessionDep,
    invoice_id: Annotated[str, Form()] = "",
    billing_period: Annotated[str, Form()] = "",
    currency: Annotated[str, Form()] = "",
    total: Annotated[str, Form()] = "",
    tax: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    source_or_404(session, name)
    try:
        amounts = _decimal(total, "Total"), _decimal(tax, "Tax") if tax.strip() else None
        if not invoice_id.strip():
            raise CostRefused("invalid_request", "An invoice total needs its invoice id")
        enter_invoice_total(
            session,
            name,
            invoice_id.strip(),
            billing_period.strip(),
            (amounts[0], currency.strip().upper()),
            amounts[1],
            user.username,
        )
    except CostRefused as refused:
        session.rollback()
        errors = {"invoices": refused.message}
        return source_detail(request, session, user, name, errors, None, UNPROCESSABLE)
    flash(request, f"Invoice {invoice_id.strip()} of {name}: total entered")
    return RedirectResponse(f"/costs/sources/{name}#invoices", status_code=303)


def _decimal(text: str, field: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation as error:
        raise CostRefused("invalid_request", f"{field} is an amount such as 1234.56") from error


@router.post("/{name}/files", dependencies=[CsrfChecked], response_model=None)
async def upload_file(
    request: Request,
    name: str,
    user: Editor,
    session: SessionDep,
    runtime: RuntimeDep,
    file: Annotated[UploadFile, File()],
    billing_period: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Keeps the file and starts its load; then the page that follows the load."""
    source = await run_in_threadpool(source_or_404, session, name)
    configured = await run_in_threadpool(settings_of, session, source)
    session.commit()  # the connection goes back while the file is stored
    settings = runtime.settings
    try:
        started = await receive_and_load(
            runtime.temporal,
            settings.temporal_task_queue,
            settings.cost_files.upload_dir,
            configured,
            Upload(upload_chunks(file), file.filename or "upload"),
            billing_period.strip() or None,
            user.username,
        )
    except CostRefused as refused:
        errors = {"upload": refused.message}
        return source_detail(request, session, user, name, errors, None, UNPROCESSABLE)
    flash(request, f"{started.upload.ref.name}: loading {name} {started.billing_period}")
    return RedirectResponse(follow_page(started.handle.id), status_code=303)
