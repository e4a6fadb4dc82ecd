"""The requester's pages: the requisition form (a refusal shows each rule's message next to its
field), and "my requests", where a request for information is answered."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import RuntimeDep, SessionDep, TemporalDep
from api.errors import KIND_STATUS
from api.web.form_catalog import form_catalog
from api.web.po_story import rejection
from api.web.render import flash, render
from api.web.requisition_form import (
    FieldErrors,
    FormInvalid,
    RequisitionForm,
    placed,
    to_requisition,
)
from api.web.session import CsrfChecked, page_role
from domain.catalog import Role, ServiceType
from domain.progress import step_track
from domain.purchase_order import PoView
from domain.requisition import RiskFlag
from domain.wording import as_sentence
from models.people.records import User
from models.purchase_orders.records import PurchaseOrder
from services.decisions import NotVisible
from services.information import answer_information
from services.refusals import RuleRefused
from services.requisitions import IdempotencyKeyReused, RequisitionRefused, submit_requisition

router = APIRouter(include_in_schema=False)
_VIEW = TypeAdapter(PoView)
Requester = Annotated[User, Depends(page_role(Role.REQUESTER))]
ANSWER_MAX = 4000


@router.get("/requisitions/new", response_class=HTMLResponse)
async def new_requisition(request: Request, user: Requester, session: SessionDep) -> HTMLResponse:
    return await run_in_threadpool(_form_page, request, session, user, RequisitionForm())


@router.post("/requisitions", dependencies=[CsrfChecked])
async def submit(
    request: Request,
    user: Requester,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    """Validate and raise the requisition; the form's idempotency key makes a double submit
    answer with the PO the first one made."""
    form = RequisitionForm.from_form(await request.form())
    catalog = await run_in_threadpool(form_catalog, session)
    try:
        requisition = to_requisition(form, catalog, user.username)
        session.commit()  # the connection goes back: submitting takes its own, one at a time
        submitted = await submit_requisition(runtime.services, user, requisition, form.key)
    except FormInvalid as invalid:
        return await run_in_threadpool(_form_page, request, session, user, form, invalid.errors, [])
    except RequisitionRefused as refused:
        errors, elsewhere = placed(refused.refusals)
        return await run_in_threadpool(_form_page, request, session, user, form, errors, elsewhere)
    except IdempotencyKeyReused as reused:  # this form raised a PO already; a new one is new
        again = replace(form, idempotency_key=RequisitionForm().idempotency_key)
        return await run_in_threadpool(_form_page, request, session, user, again, {}, [str(reused)])
    number = submitted.po_number
    done = "Already submitted" if submitted.replayed else "Requisition submitted"
    flash(request, f"{done}: {number}")
    return RedirectResponse(f"/po/{number}", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/my-requests", response_class=HTMLResponse)
async def my_requests(request: Request, user: Requester, session: SessionDep) -> HTMLResponse:
    return await run_in_threadpool(_requests_page, request, session, user, {}, {}, 200)


@router.post("/my-requests/{po_number}/answer", dependencies=[CsrfChecked])
async def answer(
    request: Request,
    po_number: str,
    user: Requester,
    session: SessionDep,
    temporal: TemporalDep,
    answer: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    """Send the answer to the PO's workflow, whose validator has the last word; the form's own
    key makes a resent form answer with the first outcome."""
    text = answer.strip()
    try:
        if len(text) > ANSWER_MAX:
            raise RuleRefused("text_length", f"An answer has at most {ANSWER_MAX} characters.")
        await answer_information(session, temporal, user, po_number, text, idempotency_key or None)
    except NotVisible as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such purchase order") from missing
    except RuleRefused as refused:
        refusal, kept = {po_number: as_sentence(refused.message)}, {po_number: text}
        return await run_in_threadpool(
            _requests_page, request, session, user, refusal, kept, KIND_STATUS[refused.kind]
        )
    flash(request, f"Answer sent: {po_number} is waiting on its approvers again")
    return RedirectResponse("/my-requests", status_code=status.HTTP_303_SEE_OTHER)


def _form_page(
    request: Request,
    session: Session,
    user: User,
    form: RequisitionForm,
    errors: FieldErrors | None = None,
    elsewhere: list[str] | None = None,
) -> HTMLResponse:
    refused = errors is not None
    context = {
        "title": "New requisition",
        "form": form,
        "catalog": form_catalog(session),
        "service_types": list(ServiceType),
        "risk_flags": list(RiskFlag),
        "errors": errors or {},
        "elsewhere": elsewhere or [],
        "refused": refused,
    }
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if refused else status.HTTP_200_OK
    return render(request, "requisition_new.html", context, user, status_code=code)


def _requests_page(
    request: Request,
    session: Session,
    user: User,
    refusals: dict[str, str],
    answers: dict[str, str],
    code: int,
) -> HTMLResponse:
    """The caller's own POs, newest first; a refused answer is shown with its reason, kept."""
    mine = session.scalars(
        select(PurchaseOrder)
        .where(PurchaseOrder.requester == user.username)
        .order_by(PurchaseOrder.created_at.desc(), PurchaseOrder.po_number.desc())
        .limit(200)
    ).all()
    context: dict[str, Any] = {
        "title": "My requests",
        "orders": mine,
        "rejections": {po.po_number: rejection(po.detail) for po in mine},
        "tracks": {po.po_number: step_track(_VIEW.validate_python(po.detail)) for po in mine},
        "refusals": refusals,
        "answers": answers,
        "answer_max": ANSWER_MAX,
        "form_key": f"answer-{secrets.token_urlsafe(18)}",  # each form shown is one request
    }
    return render(request, "my_requests.html", context, user, status_code=code)
