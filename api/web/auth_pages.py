"""Signing in with a local password (argon2) and signing out."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.web.render import render
from api.web.session import SESSION_CSRF, SESSION_USER, CsrfChecked
from models.accounts import find_user, password_matches

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/inbox") -> HTMLResponse:
    return render(request, "login.html", {"next": _local(next), "title": "Sign in"})


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/inbox",
) -> Response:
    user = find_user(session, username.strip())
    if user is None or not user.active or not password_matches(user, password):
        context = {"next": _local(next), "error": "Wrong username or password.", "title": "Sign in"}
        return render(request, "login.html", context, status_code=401)
    request.session[SESSION_USER] = user.username
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)  # a new token for the new session
    return RedirectResponse(_local(next), status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> RedirectResponse:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _local(path: str) -> str:
    """Only paths of this site: a login never sends anyone elsewhere."""
    return path if path.startswith("/") and not path.startswith("//") else "/inbox"
