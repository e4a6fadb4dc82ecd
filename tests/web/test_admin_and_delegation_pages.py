"""The administration pages (people and roles, policies, cost-center owners) and the
out-of-office delegation page, on the real app and worker."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from models.people.accounts import find_user
from models.purchase_orders.governance import DelegationRow
from models.purchase_orders.policies import ApprovalPolicy
from tests.api import e2e
from tests.builders.policies import POLICY_DOCUMENT, POLICY_NAME, demo_policy
from tests.web.pages import csrf_of, person

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


def _local(instant: datetime) -> str:
    """What a datetime-local input sends."""
    return instant.strftime("%Y-%m-%dT%H:%M")


async def _form(client: httpx.AsyncClient, path: str, data: Mapping[str, Any]) -> httpx.Response:
    """Open ``path``, then post ``data`` with the page's CSRF token to the same path."""
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return await client.post(path, data={**data, "csrf_token": csrf_of(page.text)})


async def _post(
    client: httpx.AsyncClient, page: str, action: str, data: Mapping[str, Any]
) -> httpx.Response:
    token = csrf_of((await client.get(page)).text)
    return await client.post(action, data={**data, "csrf_token": token})


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
    body = {"delegate": "tom", "starts_at": _local(now), "ends_at": _local(now + timedelta(1))}
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
    short = await _form(maria, "/admin/users", {**new, "password": "short"})
    assert short.status_code == 422
    assert 'aria-describedby="password-error"' in short.text and 'role="alert"' in short.text
    added = await _form(maria, "/admin/users", {**new, "password": "a-long-secret-1"})
    assert added.status_code == 303, added.text
    listing = await maria.get("/admin/users")
    assert f"Added {username}: approver, requester" in listing.text
    row = _row(listing.text, f"user-{username}")
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

    more = await _form(maria, "/admin/users", {"username": username, "roles": ["auditor"]})
    assert more.status_code == 303
    assert _roles(stack, username) == {"requester", "approver", "auditor"}
    exact = await _post(
        maria, "/admin/users", f"/admin/users/{username}/roles", {"roles": ["requester"]}
    )
    assert exact.status_code == 303
    assert _roles(stack, username) == {"requester"}
    assert (await client.get("/delegations")).status_code == 403


async def test_the_last_admin_keeps_the_admin_role(stack: e2e.Stack) -> None:
    maria = await person(stack, "maria")
    refused = await _post(maria, "/admin/users", "/admin/users/maria/roles", {"roles": ["auditor"]})
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
    refused = await _form(maria, "/admin/policies", body)
    assert refused.status_code == 422
    for path in ("<code>$</code>", "<code>$.base_currency</code>", "<code>$.tiers</code>"):
        assert path in refused.text
    assert "colour" in refused.text and 'id="document-errors" role="alert"' in refused.text
    not_json = await _form(maria, "/admin/policies", {**body, "document": "{'tiers': "})
    assert not_json.status_code == 422 and "not JSON" in not_json.text
    assert _policy_count(stack) == before

    changed = demo_policy()
    changed["description"] = "Changed from the admin page"
    body = {"name": POLICY_NAME, "note": "page test", "document": json.dumps(changed)}
    try:
        stored = await _form(maria, "/admin/policies", body)
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
        assert (await _form(maria, "/admin/policies", demo)).status_code == 303


# -- cost centers ----------------------------------------------------------------------------


async def test_an_admin_changes_a_cost_center_owner(stack: e2e.Stack) -> None:
    maria = await person(stack, "maria")
    page, action = "/admin/cost-centers", "/admin/cost-centers/IT-SEC/owner"
    try:
        changed = await _post(maria, page, action, {"owner": "nora"})
        assert changed.status_code == 303
        listing = await maria.get(page)
        assert "nora now owns IT-SEC" in listing.text
        assert '<td class="owner">nora</td>' in _row(listing.text, "cost-center-IT-SEC")
        refused = await _post(maria, page, action, {"owner": "ghost"})
        assert refused.status_code == 422
        assert "ghost is not an active user" in refused.text and 'role="alert"' in refused.text
    finally:
        assert (await _post(maria, page, action, {"owner": "lee"})).status_code == 303
    assert '<td class="owner">lee</td>' in _row((await maria.get(page)).text, "cost-center-IT-SEC")


# -- delegations -----------------------------------------------------------------------------


async def test_a_delegate_sees_the_delegators_pos_until_it_is_revoked(stack: e2e.Stack) -> None:
    body = e2e.subscription_body("500.00", cost_center="IT-INFRA", gl_account="6100")
    number = await stack.submit("alex", body)
    await stack.pending(number)
    priya, tom = await person(stack, "priya"), await person(stack, "tom")
    assert f'href="/po/{number}"' not in (await tom.get("/inbox")).text

    now = datetime.now(UTC)
    window = {
        "starts_at": _local(now - timedelta(minutes=5)),
        "ends_at": _local(now + timedelta(2)),
    }
    scope = {"cost_centers": ["IT-INFRA"], "max_amount": "1000.00"}
    created = await _form(priya, "/delegations", {"delegate": "tom", **window, **scope})
    assert created.status_code == 303, created.text
    mine = await priya.get("/delegations")
    assert "tom decides for you" in mine.text
    ids = re.findall(r'action="/delegations/(\d+)/revoke"', mine.text)
    assert ids
    row = _row(mine.text, f"delegation-{ids[0]}")
    assert "tom" in row and "IT-INFRA" in row and "1,000.00 EUR" in row and ">active<" in row
    theirs = await tom.get("/delegations")
    assert ">priya<" in _row(theirs.text, f"delegation-{ids[0]}")

    inbox = await tom.get("/inbox")
    assert f'href="/po/{number}"' in inbox.text and "for priya" in inbox.text

    not_mine = await _post(tom, "/delegations", f"/delegations/{ids[0]}/revoke", {})
    assert not_mine.status_code == 403
    revoked = await _post(priya, "/delegations", f"/delegations/{ids[0]}/revoke", {})
    assert revoked.status_code == 303
    assert ">revoked<" in _row((await priya.get("/delegations")).text, f"delegation-{ids[0]}")
    assert f'href="/po/{number}"' not in (await tom.get("/inbox")).text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_at": "earlier"}, "ends_at", "the end comes after the start"),
        ({"delegate": "priya"}, "delegate", "someone other than yourself"),
        ({"max_amount": "12.345"}, "max_amount", "more decimals"),
        ({"cost_centers": ["NOPE"]}, "cost_centers", "unknown cost center(s): NOPE"),
    ],
)
async def test_a_wrong_delegation_comes_back_with_the_reason(
    stack: e2e.Stack, change: dict[str, object], field: str, message: str
) -> None:
    now = datetime.now(UTC)
    form: dict[str, object] = {
        "delegate": "tom",
        "starts_at": _local(now + timedelta(days=1)),
        "ends_at": _local(now + timedelta(days=3)),
    }
    form |= change
    if form["ends_at"] == "earlier":
        form["ends_at"] = _local(now + timedelta(hours=2))
    priya = await person(stack, "priya")
    before = _delegation_count(stack)
    refused = await _form(priya, "/delegations", form)
    assert refused.status_code == 422
    assert message in refused.text
    assert re.search(rf'aria-describedby="[^"]*{field}-error"', refused.text)
    assert f'id="{field}-error" role="alert"' in refused.text
    assert _delegation_count(stack) == before


# -- helpers ---------------------------------------------------------------------------------


def _row(html: str, row_id: str) -> str:
    found = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', html, re.S)
    assert found, f"no row {row_id}"
    return found.group(1)


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


def _delegation_count(stack: e2e.Stack) -> int:
    with stack.sessions() as session:
        return session.scalar(select(func.count(DelegationRow.id))) or 0
