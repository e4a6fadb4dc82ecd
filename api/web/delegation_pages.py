"""Out of office: my delegations (given and received) and the form that sets one; a refused
delegation comes back with the reason next to the field it is about."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from api.deps import RuntimeDep, SessionDep, get_runtime
from api.params import RowId
from api.web.render import flash, render
from api.web.session import CsrfChecked, PageUser, page_role
from domain.catalog import DECIDING_ROLES, Role
from domain.money import Money
from models.people.admin import active_users, cost_centers, delegation_state
from models.people.records import User
from models.purchase_orders.delegations import (
    DelegationRefused,
    delegation,
    delegations_of,
    record_delegation,
    revoke_delegation,
)

router = APIRouter(include_in_schema=False)
Delegator = Annotated[User, Depends(page_role(*DECIDING_ROLES))]
AMOUNT = re.compile(r"^\d{1,15}(\.\d+)?$")


@dataclass
class OutOfOffice:
    """The form as typed, and what is wrong with it, field by field."""

    delegate: str = ""
    starts_at: str = ""
    ends_at: str = ""
    cost_centers: list[str] = field(default_factory=list)
    max_amount: str = ""
    errors: dict[str, str] = field(default_factory=dict)


@router.get("/delegations", response_class=HTMLResponse)
def delegations_page(request: Request, user: Delegator, session: SessionDep) -> HTMLResponse:
    return _page(request, session, user, OutOfOffice())


@router.post("/delegations", dependencies=[CsrfChecked], response_model=None)
def set_out_of_office(
    request: Request,
    user: Delegator,
    session: SessionDep,
    runtime: RuntimeDep,
    delegate: Annotated[str, Form()] = "",
    starts_at: Annotated[str, Form()] = "",
    ends_at: Annotated[str, Form()] = "",
    cost_centers: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies defaults
    max_amount: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    form = OutOfOffice(delegate.strip(), starts_at, ends_at, cost_centers, max_amount.strip())
    now = datetime.now(UTC)
    starts = _instant(form, "starts_at")
    ends = _instant(form, "ends_at")
    if starts and ends and ends <= starts:
        form.errors["ends_at"] = "the end comes after the start"
    elif ends and ends <= now:
        form.errors["ends_at"] = "the end is in the past"
    limit = _limit(form, runtime.settings.base_currency)
    if not form.delegate:
        form.errors["delegate"] = "choose who decides for you"
    if form.errors or starts is None or ends is None:
        return _page(request, session, user, form, status.HTTP_422_UNPROCESSABLE_CONTENT)
    try:
        entry = record_delegation(
            session, user, form.delegate, (starts, ends), form.cost_centers, limit, at=now
        )
    except DelegationRefused as refused:
        where = "cost_centers" if "cost center" in str(refused) else "delegate"
        form.errors[where] = str(refused)
        return _page(request, session, user, form, status.HTTP_422_UNPROCESSABLE_CONTENT)
    flash(request, f"{entry.delegate} decides for you from {_shown(starts)} until {_shown(ends)}")
    return RedirectResponse("/delegations", status_code=303)


@router.post("/delegations/{delegation_id}/revoke", dependencies=[CsrfChecked])
def revoke(
    request: Request, delegation_id: RowId, user: PageUser, session: SessionDep
) -> RedirectResponse:
    entry = delegation(session, delegation_id)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no delegation {delegation_id}")
    if entry.delegator != user.username and Role.ADMIN not in user.role_names:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail="only the delegator or an admin revokes a delegation"
        )
    revoke_delegation(session, entry, user, datetime.now(UTC))
    flash(request, f"Revoked the delegation from {entry.delegator} to {entry.delegate}")
    back = "/delegations" if user.role_names & set(DECIDING_ROLES) else "/admin"
    return RedirectResponse(back, status_code=303)


def _page(
    request: Request, session: Session, user: User, form: OutOfOffice, code: int = 200
) -> HTMLResponse:
    now = datetime.now(UTC)
    entries = [(entry, delegation_state(entry, now)) for entry in delegations_of(session, user)]
    context: dict[str, Any] = {
        "title": "Delegations",
        "utc": UTC,
        "given": [(e, state) for e, state in entries if e.delegator == user.username],
        "received": [(e, state) for e, state in entries if e.delegate == user.username],
        "people": [p for p in active_users(session) if p.id != user.id],
        "centers": cost_centers(session),
        "form": form,
        "base_currency": get_runtime(request).settings.base_currency,
    }
    return render(request, "delegations.html", context, user, status_code=code)


def _instant(form: OutOfOffice, name: str) -> datetime | None:
    """A datetime-local value ("2026-05-04T08:00"), read as UTC."""
    value = getattr(form, name).strip()
    if not value:
        form.errors[name] = "a date and time is required"
        return None
    try:
        typed = datetime.fromisoformat(value)
    except ValueError:
        form.errors[name] = f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM)"
        return None
    return typed.replace(tzinfo=UTC) if typed.tzinfo is None else typed.astimezone(UTC)


def _limit(form: OutOfOffice, currency: str) -> int | None:
    if not form.max_amount:
        return None
    if not AMOUNT.match(form.max_amount):
        form.errors["max_amount"] = f"{form.max_amount!r} is not an amount such as 2500.00"
        return None
    try:
        minor = Money.parse(form.max_amount, currency).minor
    except ValueError as wrong:
        form.errors["max_amount"] = str(wrong)
        return None
    if minor <= 0:
        form.errors["max_amount"] = "a limit is more than zero; leave it empty for any amount"
        return None
    return minor


def _shown(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%d %H:%M UTC")
