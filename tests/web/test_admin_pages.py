"""The administration pages (people and roles, policies, cost-center owners), on the real app
and worker: who may open them, what they change, and the reason they give when they refuse."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from models.people.accounts import find_user
from models.purchase_orders.policies import ApprovalPolicy
from tests.api import e2e
from tests.builders.policies import POLICY_DOCUMENT, POLICY_NAME, demo_policy
from tests.web.pages import csrf_of, datetime_local, person, post_form, submit_form, table_row

stack = e2e.stack

ADMIN_GETS = (
    "/admin",
    "/admin/users",
    "/admin/policies",
    f"/admin/policies/{POLICY_NAME}/1",
    "/admin/cost-centers",
)
ADMIN_POSTS = (
    "/admin/users",
    "/admin/users/alex/roles",
    "/admin/policies",
    "/admin/cost-centers/IT-SEC/owner",
)


# -- who may open what -----------------------------------------------------------------------


async def test_only_admins_open_the_admin_pages(stack: e2e.Stack) -> None:
    for username in ("priya", "fiona", "paul", "alex", "ines"):
        client = await person(stack, username)
        token = csrf_of((await client.get("/inbox")).text)
        for path in ADMIN_GETS:
            response = await client.get(path)
            assert response.status_code == 403, (username, path)
            assert "requires a role of: admin" in response.text
        for path in ADMIN_POSTS:
            response = await client.post(path, data={"csrf_token": token, "owner": username})
            assert response.status_code == 403, (username, path)
    maria = await person(stack, "maria")
    for path in ADMIN_GETS:
        assert (await maria.get(path)).status_code == 200, path
    assert (await (await person(stack, "alex")).get("/delegations")).status_code == 403


async def test_a_form_post_without_its_csrf_token_is_refused(stack: e2e.Stack) -> None:
    maria = await person(stack, "maria")
    username = f"nocsrf{uuid.uuid4().hex[:6]}"
    refused = await maria.post(
        "/admin/users", data={"username": username, "password": "long-enough-1"}
    )
    assert refused.status_code == 403 and "another site" in refused.text
    with stack.sessions() as session:
        assert find_user(session, username) is None
    priya = await person(stack, "priya")
    now = datetime.now(UTC)
    body = {
        "delegate": "tom",
        "starts_at": datetime_local(now),
        "ends_at": datetime_local(now + timedelta(1)),
    }
    assert (await priya.post("/delegations", data=body)).status_code == 403
    assert (await priya.post("/delegations/1/revoke", data={})).status_code == 403


# -- people and roles ------------------------------------------------------------------------


async def test_an_admin_adds_a_person_who_then_signs_in(stack: e2e.Stack) -> None:
    maria = await person(stack, "maria")
    username = f"quinn{uuid.uuid4().hex[:6]}"
    new = {
        "username": username,
        "display_name": "Quinn Example",
        "email": f"{username}@example.org",
        "manager": "priya",
        "roles": ["requester", "approver"],
    }
    short = await submit_form(maria, "/admin/users", {**new, "password": "short"})
    assert short.status_code == 422
    assert 'aria-describedby="password-error"' in short.text and 'role="alert"' in short.text
    added = await submit_form(maria, "/admin/users", {**new, "password": "a-long-secret-1"})
    assert added.status_code == 303, added.text
    listing = await maria.get("/admin/users")
    assert f"Added {username}: approver, requester" in listing.text
    row = table_row(listing.text, f"user-{username}")
    assert "Quinn Example" in row and ">priya<" in row and "approver" in row

    client = httpx.AsyncClient(transport=stack.http._transport, base_url=stack.http.base_url)
    login = await client.get("/login")
    signed_in = await client.post(
        "/login",
        data={
            "username": username,
            "password": "a-long-secret-1",
            "csrf_token": csrf_of(login.text),
        },
    )
    assert signed_in.status_code == 303
    assert "Quinn Example" in (await client.get("/inbox")).text
    assert (await client.get("/delegations")).status_code == 200  # an approver now

    more = await submit_form(maria, "/admin/users", {"username": username, "roles": ["auditor"]})
    assert more.status_code == 303
    assert _roles(stack, username) == {"requester", "approver", "auditor"}
    exact = await post_form(
        maria, "/admin/users", f"/admin/users/{username}/roles", {"roles": ["requester"]}
    )
    assert exact.status_code == 303
    assert _roles(stack, username) == {"requester"}
    assert (await client.get("/delegations")).status_code == 403


async def test_the_last_admin_keeps_the_admin_role(stack: e2e.Stack) -> None:
    maria = await person(stack, "maria")
    refused = await post_form(
        maria, "/admin/users", "/admin/users/maria/roles", {"roles": ["auditor"]}
    )
    assert refused.status_code == 422
    assert "maria is the last admin" in refused.text
    assert 'id="roles-error-maria" role="alert"' in refused.text
    assert _roles(stack, "maria") == {"admin"}


# -- policies --------------------------------------------------------------------------------


async def test_a_policy_is_checked_listed_and_readable(stack: e2e.Stack) -> None:
    maria = await person(stack, "maria")
    before = _policy_count(stack)
    broken = {"base_currency": "eur", "tiers": [], "colour": "blue"}
    body = {"name": POLICY_NAME, "note": "broken", "document": json.dumps(broken)}
    refused = await submit_form(maria, "/admin/policies", body)
    assert refused.status_code == 422
    for path in ("<code>$</code>", "<code>$.base_currency</code>", "<code>$.tiers</code>"):
        assert path in refused.text
    assert "colour" in refused.text and 'id="document-errors" role="alert"' in refused.text
    not_json = await submit_form(maria, "/admin/policies", {**body, "document": "{'tiers': "})
    assert not_json.status_code == 422 and "not JSON" in not_json.text
    assert _policy_count(stack) == before

    changed = demo_policy()
    changed["description"] = "Changed from the admin page"
    body = {"name": POLICY_NAME, "note": "page test", "document": json.dumps(changed)}
    try:
        stored = await submit_form(maria, "/admin/policies", body)
        assert stored.status_code == 303, stored.text
        version = _latest_version(stack)
        listing = await maria.get("/admin/policies")
        assert f"stored {POLICY_NAME} v{version}" in listing.text
        assert f'href="/admin/policies/{POLICY_NAME}/{version}"' in listing.text
        shown = await maria.get(f"/admin/policies/{POLICY_NAME}/{version}")
        assert shown.status_code == 200 and "Changed from the admin page" in shown.text
        assert "\n  &#34;base_currency&#34;: &#34;EUR&#34;" in shown.text  # pretty-printed
    finally:
        demo = {
            "name": POLICY_NAME,
            "note": "back to the demo",
            "document": json.dumps(POLICY_DOCUMENT),
        }
        assert (await submit_form(maria, "/admin/policies", demo)).status_code == 303


# -- cost centers ----------------------------------------------------------------------------


async def test_an_admin_changes_a_cost_center_owner(stack: e2e.Stack) -> None:
    maria = await person(stack, "maria")
    page, action = "/admin/cost-centers", "/admin/cost-centers/IT-SEC/owner"
    try:
        changed = await post_form(maria, page, action, {"owner": "nora"})
        assert changed.status_code == 303
        listing = await maria.get(page)
        assert "nora now owns IT-SEC" in listing.text
        assert '<td class="owner">nora</td>' in table_row(listing.text, "cost-center-IT-SEC")
        refused = await post_form(maria, page, action, {"owner": "ghost"})
        assert refused.status_code == 422
        assert "ghost is not an active user" in refused.text and 'role="alert"' in refused.text
    finally:
        assert (await post_form(maria, page, action, {"owner": "lee"})).status_code == 303
    assert '<td class="owner">lee</td>' in table_row(
        (await maria.get(page)).text, "cost-center-IT-SEC"
    )


# -- helpers ---------------------------------------------------------------------------------


def _roles(stack: e2e.Stack, username: str) -> set[str]:
    with stack.sessions() as session:
        user = find_user(session, username)
        assert user is not None
        return {role.value for role in user.role_names}


def _policy_count(stack: e2e.Stack) -> int:
    with stack.sessions() as session:
        return session.scalar(select(func.count(ApprovalPolicy.id))) or 0


def _latest_version(stack: e2e.Stack) -> int:
    with stack.sessions() as session:
        query = select(func.max(ApprovalPolicy.version)).where(ApprovalPolicy.name == POLICY_NAME)
        return session.scalar(query) or 0
