"""Administration pages (admins only): people and their roles, and cost-center owners and
fiscal policies (approval-policy versions are ``api.web.policy_pages``). A refused change comes
back with the reason next to what was refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from api.deps import SessionDep
from api.web.render import flash, render
from api.web.session import CsrfChecked, page_role
from domain.catalog import Role
from models.budgets.fiscal_policy import FiscalPolicyRefused, set_reserve_at
from models.people.accounts import find_user
from models.people.admin import (
    AdminRefused,
    active_users,
    add_user,
    change_owner,
    cost_centers,
    people,
    set_roles,
)
from models.people.records import User

router = APIRouter(prefix="/admin", include_in_schema=False)
Admin = Annotated[User, Depends(page_role(Role.ADMIN))]
Roles = Annotated[list[str], Form()]
UNPROCESSABLE = status.HTTP_422_UNPROCESSABLE_CONTENT


@router.get("", response_class=HTMLResponse)
def admin_home(request: Request, user: Admin) -> HTMLResponse:
    return render(request, "admin/index.html", {"title": "Administration"}, user)


# -- people and roles ------------------------------------------------------------------------


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, user: Admin, session: SessionDep) -> HTMLResponse:
    return _users(request, session, user)


@router.post("/users", dependencies=[CsrfChecked], response_model=None)
def add_person(
    request: Request,
    user: Admin,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    manager: Annotated[str, Form()] = "",
    roles: Roles = [],  # noqa: B006 - FastAPI copies defaults
) -> HTMLResponse | RedirectResponse:
    typed: dict[str, Any] = {"username": username.strip().lower(), "roles": roles}
    typed |= {"display_name": display_name.strip(), "email": email.strip(), "manager": manager}
    try:
        person, created = add_user(
            session,
            typed["username"],
            roles=_roles(roles),
            display_name=typed["display_name"],
            email=typed["email"],
            password=password,
            manager=manager or None,
            by=user,
            at=datetime.now(UTC),
        )
    except AdminRefused as refused:
        errors = {refused.field: refused.message}
        return _users(request, session, user, new=typed, new_errors=errors, code=UNPROCESSABLE)
    names = ", ".join(sorted(role.value for role in person.role_names)) or "no roles"
    done = "Added" if created else "Updated"
    flash(request, f"{done} {person.username}: {names}")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{username}/roles", dependencies=[CsrfChecked], response_model=None)
def set_person_roles(
    request: Request,
    username: str,
    user: Admin,
    session: SessionDep,
    roles: Roles = [],  # noqa: B006 - FastAPI copies defaults
) -> HTMLResponse | RedirectResponse:
    person = find_user(session, username)
    if person is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no user {username}")
    try:
        set_roles(session, person, _roles(roles), by=user, at=datetime.now(UTC))
    except AdminRefused as refused:
        errors = {username: refused.message}
        return _users(request, session, user, role_errors=errors, code=UNPROCESSABLE)
    names = ", ".join(sorted(role.value for role in person.role_names)) or "no roles"
    flash(request, f"Roles of {username}: {names}")
    back = "/admin/users" if Role.ADMIN in user.role_names else "/inbox"
    return RedirectResponse(back, status_code=303)


def _roles(values: list[str]) -> set[Role]:
    try:
        return {Role(value) for value in values}
    except ValueError as unknown:
        raise AdminRefused("roles", str(unknown)) from unknown


def _users(
    request: Request,
    session: Session,
    user: User,
    *,
    new: dict[str, Any] | None = None,
    new_errors: dict[str, str] | None = None,
    role_errors: dict[str, str] | None = None,
    code: int = 200,
) -> HTMLResponse:
    context = {
        "title": "People and roles",
        "people": people(session),
        "managers": active_users(session),
        "all_roles": list(Role),
        "new": new or {"roles": []},
        "errors": new_errors or {},
        "role_errors": role_errors or {},
    }
    return render(request, "admin/users.html", context, user, status_code=code)


# -- cost centers ----------------------------------------------------------------------------


@router.get("/cost-centers", response_class=HTMLResponse)
def cost_centers_page(request: Request, user: Admin, session: SessionDep) -> HTMLResponse:
    return _cost_centers(request, session, user, {})


@router.post("/cost-centers/{code}/owner", dependencies=[CsrfChecked], response_model=None)
def change_cost_center_owner(
    request: Request,
    code: str,
    user: Admin,
    session: SessionDep,
    owner: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    try:
        found = change_owner(session, code, owner, by=user, at=datetime.now(UTC))
    except AdminRefused as refused:
        return _cost_centers(request, session, user, {code: refused.message}, UNPROCESSABLE)
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no cost center {code}")
    flash(request, f"{owner} now owns {code}")
    return RedirectResponse("/admin/cost-centers", status_code=303)


@router.post("/cost-centers/{code}/fiscal-policy", dependencies=[CsrfChecked], response_model=None)
def change_fiscal_policy(
    request: Request,
    code: str,
    user: Admin,
    session: SessionDep,
    reserve_at: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    try:
        found = set_reserve_at(session, code, reserve_at, by=user, at=datetime.now(UTC))
    except FiscalPolicyRefused as refused:
        return _cost_centers(request, session, user, {code: str(refused)}, UNPROCESSABLE)
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no cost center {code}")
    flash(request, f"{code} now books budget at {reserve_at}")
    return RedirectResponse("/admin/cost-centers", status_code=303)


def _cost_centers(
    request: Request, session: Session, user: User, errors: dict[str, str], code: int = 200
) -> HTMLResponse:
    context = {
        "title": "Cost centers",
        "centers": cost_centers(session),
        "people": active_users(session),
        "errors": errors,
    }
    return render(request, "admin/cost_centers.html", context, user, status_code=code)
