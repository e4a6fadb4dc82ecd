"""Dependencies the routes declare with ``Annotated``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from temporalio.client import Client

from api.errors import Refused
from api.runtime import AppRuntime
from domain.catalog import Role
from models.people.accounts import user_for_token
from models.people.records import User
from models.purchase_orders.records import PurchaseOrder
from services.decisions import NotVisible, visible_or_missing


def get_runtime(request: Request) -> AppRuntime:
    runtime: AppRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[AppRuntime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[Session]:
    """The request's session: committed when the route returns, rolled back when it raises.

    A request never waits for a worker thread while it holds a connection, nor holds two
    connections at once; under load either can drain the pool. So this dependency is async
    (its commit needs no worker thread), sign-in checks give their connection back at once,
    role checks are async, and a route that goes on to work in transactions of its own
    commits first."""
    with runtime.sessions() as session:
        yield session
        session.commit()


# Commit before the response is sent, so a client that reads right after a write sees it.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_temporal(runtime: RuntimeDep) -> Client:
    return runtime.temporal


TemporalDep = Annotated[Client, Depends(get_temporal)]
_bearer = HTTPBearer(auto_error=False)
ROLE_RULE = "role_required"
# Every dependency ``require_role`` made: the OpenAPI document declares 403 where one is used.
ROLE_CHECKS: set[Callable[..., Awaitable[object]]] = set()


def get_current_user(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The user whose API token is in ``Authorization: Bearer``; 401 otherwise."""
    user = user_for_token(session, credentials.credentials) if credentials else None
    session.commit()  # the connection goes back (see get_session)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid API token is required (Authorization: Bearer <token>)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def ensure_roles(user: User, allowed: Iterable[Role]) -> User:
    """``user`` if they hold one of ``allowed``; otherwise 403 ``role_required`` naming them."""
    allowed = set(allowed)
    if not user.role_names & allowed:
        needed = ", ".join(sorted(allowed))
        raise Refused(status.HTTP_403_FORBIDDEN, f"requires a role of: {needed}", rule=ROLE_RULE)
    return user


def require_role(*allowed: Role) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets through only users holding one of ``allowed``; 403 otherwise."""

    async def check(user: CurrentUser) -> User:
        return ensure_roles(user, allowed)

    ROLE_CHECKS.add(check)
    return check


def visible_or_404(session: Session, user: User, po_number: str) -> PurchaseOrder:
    """The PO if the user may see it; 404 otherwise (an unseen PO does not exist for them)."""
    try:
        return visible_or_missing(session, user, po_number)
    except NotVisible as missing:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no purchase order {po_number}"
        ) from missing
