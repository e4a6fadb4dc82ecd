"""Who is signed in (a signed session cookie), what they may open, and CSRF protection."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request, status
from sqlalchemy import select

from api.deps import SessionDep, ensure_roles
from domain.catalog import Role
from models.people.records import User
from models.purchase_orders.worklist import waiting_count

SESSION_USER = "username"
SESSION_CSRF = "csrf"


class LoginRequired(Exception):
    """No one is signed in; the app answers with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def signed_in_user(request: Request, session: SessionDep) -> User:
    """The active user named in the session cookie, or a redirect to log in. For a page (GET),
    also how many items wait in their inbox (``request.state.waiting_count``)."""
    username = request.session.get(SESSION_USER)
    user = None
    if username:
        user = session.scalar(select(User).where(User.username == username, User.active))
    if user is not None and request.method == "GET":  # a page: its navigation counts the inbox
        request.state.waiting_count = waiting_count(session, user, datetime.now(UTC))
    session.commit()  # the connection goes back (see api.deps.get_session)
    if user is None:
        request.session.pop(SESSION_USER, None)
        raise LoginRequired(request.url.path)
    return user


PageUser = Annotated[User, Depends(signed_in_user)]


def page_role(*allowed: Role) -> Callable[[User], Awaitable[User]]:
    """Only users holding one of ``allowed`` may open the page; others get 403."""

    async def check(user: PageUser) -> User:
        return ensure_roles(user, allowed)

    return check


def sign_in(request: Request, user: User) -> None:
    """Start ``user``'s session, with a new CSRF token: a token seen before the login is void."""
    request.session[SESSION_USER] = user.username
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use; every form posts it back."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return str(token)


def form_key(kind: str) -> str:
    """A new idempotency key for one form as shown: a resent post of it answers with its first
    outcome instead of acting twice."""
    return f"{kind}-{secrets.token_urlsafe(18)}"


def verify_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Refuse a form post whose token is not this session's (a cross-site request)."""
    expected = request.session.get(SESSION_CSRF, "")
    if not expected or not hmac.compare_digest(str(expected), csrf_token):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail="the form expired or came from another site"
        )


CsrfChecked = Depends(verify_csrf)
