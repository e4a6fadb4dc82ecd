"""The cost sources page (``/costs/sources``): the sources with their last load and freshness,
a form to configure a new one, and per source its settings, account mappings, invoice totals
and a form to upload a file. Finance and admins change them; the other readers of cost data see
them. A refused change comes back with the reason, and nothing was changed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import RuntimeDep, SessionDep
from api.web.cost_source_forms import NEW_SOURCE, form_of, settings_from_form
from api.web.render import flash, render
from api.web.session import CsrfChecked, page_role
from domain.catalog import Role
from domain.costs.quality_rules import RULES
from models.budgets.org import CostCenter, GlAccount
from models.costs.records import CostSource
from models.costs.source_settings import account_mappings, invoice_totals
from models.people.records import User
from models.vendors.records import Contract
from services.costs.overview import source_statuses
from services.costs.refusals import CostRefused, SourceMissing
from services.costs.sources import SOURCE_FORMATS, configure_source, existing_source, settings_of

router = APIRouter(prefix="/costs/sources", include_in_schema=False)
Reader = Annotated[
    User, Depends(page_role(Role.FINANCE, Role.PROCUREMENT, Role.AUDITOR, Role.ADMIN))
]
Editor = Annotated[User, Depends(page_role(Role.FINANCE, Role.ADMIN))]
UNPROCESSABLE = status.HTTP_422_UNPROCESSABLE_CONTENT


def _may_edit(user: User) -> bool:
    return bool(user.role_names & {Role.FINANCE, Role.ADMIN})


def _choices(session: Session) -> dict[str, Any]:
    return {
        "formats": SOURCE_FORMATS,
        "rules": RULES,
        "centers": list(session.scalars(select(CostCenter.code).order_by(CostCenter.code))),
        "gl_accounts": list(session.scalars(select(GlAccount.code).order_by(GlAccount.code))),
        "contracts": list(session.scalars(select(Contract.reference).order_by(Contract.reference))),
    }


@router.get("", response_class=HTMLResponse)
def sources_page(request: Request, user: Reader, session: SessionDep) -> HTMLResponse:
    return _list(request, session, user, NEW_SOURCE, None)


def _list(
    request: Request,
    session: Session,
    user: User,
    form: dict[str, Any],
    error: str | None,
    code: int = 200,
) -> HTMLResponse:
    context = {
        "title": "Cost sources",
        "statuses": source_statuses(session),
        "form": form,
        "error": error,
        "may_edit": _may_edit(user),
        **_choices(session),
    }
    return render(request, "costs/sources.html", context, user, status_code=code)


@router.post("", dependencies=[CsrfChecked], response_model=None)
async def create_source(
    request: Request, user: Editor, session: SessionDep, runtime: RuntimeDep
) -> HTMLResponse | RedirectResponse:
    form = dict(await request.form())
    try:
        settings = settings_from_form(str(form.get("name", "")), form)
        await configure_source(
            session,
            runtime.temporal,
            runtime.settings.temporal_task_queue,
            settings,
            user.username,
            create=True,
        )
    except CostRefused as refused:
        session.rollback()
        shown = {**NEW_SOURCE, **{k: v for k, v in form.items() if isinstance(v, str)}}
        return _list(request, session, user, shown, refused.message, UNPROCESSABLE)
    flash(request, f"Source {settings.name} configured")
    return RedirectResponse(f"/costs/sources/{settings.name}", status_code=303)


@router.get("/{name}", response_class=HTMLResponse)
def source_page(request: Request, name: str, user: Reader, session: SessionDep) -> HTMLResponse:
    return source_detail(request, session, user, name, {}, None)


def source_detail(
    request: Request,
    session: Session,
    user: User,
    name: str,
    errors: dict[str, str],
    form: dict[str, Any] | None,
    code: int = 200,
) -> HTMLResponse:
    source = source_or_404(session, name)
    context = {
        "title": f"Cost source {name}",
        "name": name,
        "form": form or form_of(settings_of(session, source)),
        "mappings": account_mappings(session, source.id),
        "invoices": invoice_totals(session, source.id),
        "errors": errors,
        "may_edit": _may_edit(user),
        **_choices(session),
    }
    return render(request, "costs/source.html", context, user, status_code=code)


@router.post("/{name}", dependencies=[CsrfChecked], response_model=None)
async def change_source(
    request: Request, name: str, user: Editor, session: SessionDep, runtime: RuntimeDep
) -> HTMLResponse | RedirectResponse:
    form = dict(await request.form())
    try:
        settings = settings_from_form(name, form)
        await configure_source(
            session,
            runtime.temporal,
            runtime.settings.temporal_task_queue,
            settings,
            user.username,
            create=False,
        )
    except CostRefused as refused:
        session.rollback()
        shown = {k: v for k, v in form.items() if isinstance(v, str)}
        merged = {**form_of(settings_of(session, existing_source(session, name))), **shown}
        return source_detail(
            request, session, user, name, {"settings": refused.message}, merged, UNPROCESSABLE
        )
    except SourceMissing as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(missing)) from missing
    flash(request, f"Source {name} saved")
    return RedirectResponse(f"/costs/sources/{name}", status_code=303)


def source_or_404(session: Session, name: str) -> CostSource:
    try:
        return existing_source(session, name)
    except SourceMissing as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(missing)) from missing
