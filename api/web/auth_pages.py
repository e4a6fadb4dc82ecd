"""Signing in with a local password (argon2) and signing out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep, get_runtime
from api.web.render import render
from api.web.session import CsrfChecked, sign_in
from models.people.accounts import find_user, password_matches

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return login_form(request, next)


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = find_user(session, username.strip())
    if user is None or not user.active or not password_matches(user, password):
        return login_form(request, next, error="Wrong username or password.", status_code=401)
    sign_in(request, user)
    return RedirectResponse(local_path(next), status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> RedirectResponse:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def login_form(
    request: Request, next: str, *, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    """The login page; it offers the company sign-in (OIDC) too when that is configured."""
    context = {
        "next": local_path(next),
        "error": error,
        "title": "Sign in",
        "oidc_enabled": get_runtime(request).settings.oidc_enabled,
    }
    return render(request, "login.html", context, status_code=status_code)


def local_path(path: str) -> str:
    """Only paths of this site: a login never sends anyone elsewhere."""
    return path if path.startswith("/") and not path.startswith("//") else "/"
