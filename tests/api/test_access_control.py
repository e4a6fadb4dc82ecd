"""Every route of the app, enumerated: public ones are few and named; every other one refuses a
stranger (401 for the API, a redirect to the login page for pages); and every role-gated one
refuses, with 403, a signed-in user who holds none of its roles."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from domain.catalog import Role
from models.people.accounts import issue_api_token, set_password, upsert_user
from tests.api.gates import allowed_roles, routes
from tests.web.pages import csrf_of

# The ways in: the login pages, and the signed decision link that authorises itself.
PUBLIC = {"/healthz", "/readyz", "/login", "/login/oidc", "/login/oidc/callback", "/links/{token}"}
ROUTES = routes()
GUARDED = [(m, p, r) for m, p, r in ROUTES if p not in PUBLIC]
GATED = [(m, p, roles) for m, p, r in GUARDED if (roles := allowed_roles(r.dependant))]


def test_the_enumeration_sees_the_app() -> None:
    paths = {path for _, path, _ in ROUTES}
    assert paths >= PUBLIC and len(GUARDED) > 20 and len(GATED) >= 8


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "PO-1", path)


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in GUARDED])
def test_a_stranger_is_refused(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, concrete(path), follow_redirects=False)
    if path.startswith("/api/"):
        assert response.status_code == 401
    elif method == "POST":  # a form post without this session's CSRF token
        assert response.status_code == 403
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


@pytest.fixture
def someone_with(session: Session) -> Iterator[Callable[[set[Role]], Outsider]]:
    """A user holding every role except the given ones: an API token and a password."""

    def make(excluded: set[Role]) -> Outsider:
        others = [role for role in Role if role not in excluded]
        user = upsert_user(session, f"outsider-{len(excluded)}", roles=others)
        set_password(user, "outside")
        return Outsider(user.username, issue_api_token(session, user))

    yield make


@dataclass(frozen=True)
class Outsider:
    username: str
    token: str


def signed_in(client: TestClient, outsider: Outsider) -> str:
    """Sign in through the form; the session's CSRF token for the next form."""
    form = client.get("/login")
    token = csrf_of(form.text)
    response = client.post(
        "/login",
        data={"username": outsider.username, "password": "outside", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/inbox").text)


@pytest.mark.parametrize(("method", "path", "roles"), GATED)
def test_a_role_gate_refuses_everyone_else(
    client: TestClient,
    someone_with: Callable[[set[Role]], Outsider],
    method: str,
    path: str,
    roles: set[Role],
) -> None:
    outsider = someone_with(roles)
    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {outsider.token}"}
        response = client.request(method, concrete(path), headers=headers, json={})
        assert response.status_code == 403, response.text
        assert response.json()["detail"].startswith("requires a role of")
    else:
        csrf = signed_in(client, outsider)
        data = {"csrf_token": csrf} if method == "POST" else None
        response = client.request(method, concrete(path), data=data, follow_redirects=False)
        assert response.status_code == 403, response.text
        assert "requires a role of" in response.text


def test_every_write_to_a_po_is_role_gated() -> None:
    writes = {p for m, p, _ in GUARDED if m == "POST" and p.startswith("/api/purchase-orders")}
    assert writes <= {p for _, p, _ in GATED}
