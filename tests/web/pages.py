"""A signed-in person's own cookie jar on the real app, for page tests; a client with no session
(a mail client opening a link); forms posted with their CSRF token; the screen sizes the browser
tests look at."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx
from playwright.async_api import ViewportSize

from tests.api import e2e

DEMO_PASSWORD = "demo"
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1366, height=900)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


async def person(stack: e2e.Stack, username: str) -> httpx.AsyncClient:
    """A client with its own cookies, signed in as ``username`` through the login form."""
    client = httpx.AsyncClient(transport=stack.http._transport, base_url=stack.http.base_url)
    login = await client.get("/login")
    response = await client.post(
        "/login",
        data={"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf_of(login.text)},
    )
    assert response.status_code == 303, response.text
    return client


def mail_client(stack: e2e.Stack) -> httpx.AsyncClient:
    """A browser with no poflow session, as when a link is opened from a mail client."""
    return httpx.AsyncClient(transport=stack.http._transport, base_url=stack.http.base_url)


async def priya_on_a_waiting_po(
    stack: e2e.Stack,
) -> tuple[str, httpx.AsyncClient, httpx.Response]:
    """A storage PO raised by alex and waiting on priya: its number, priya's signed-in client,
    and the PO page as she sees it."""
    number = await stack.submit("alex", e2e.storage_body())
    await stack.pending(number)
    priya = await person(stack, "priya")
    return number, priya, await priya.get(f"/po/{number}")


def datetime_local(instant: datetime) -> str:
    """What a datetime-local input sends."""
    return instant.strftime("%Y-%m-%dT%H:%M")


async def submit_form(
    client: httpx.AsyncClient, path: str, data: Mapping[str, Any]
) -> httpx.Response:
    """Open ``path``, then post ``data`` with the page's CSRF token to the same path."""
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return await client.post(path, data={**data, "csrf_token": csrf_of(page.text)})


async def post_form(
    client: httpx.AsyncClient, page: str, action: str, data: Mapping[str, Any]
) -> httpx.Response:
    token = csrf_of((await client.get(page)).text)
    return await client.post(action, data={**data, "csrf_token": token})


def table_row(html: str, row_id: str) -> str:
    found = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', html, re.S)
    assert found, f"no row {row_id}"
    return found.group(1)
