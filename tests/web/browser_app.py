"""The real app for browser tests: `poflow api` and `poflow worker` as their own processes, and
Debian's chromium driven by Playwright signed in to it. The fixtures that start them are in
tests/web/conftest.py; test modules import what they call from here."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect

from tests.api import e2e
from tests.web.smtp_catcher import MailInbox

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# As root, in a closed network: no sandbox, no background connections to Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class RunningApp:
    url: str
    tokens: dict[str, str]
    mail: MailInbox


async def sign_in(browser: Browser, app: RunningApp, username: str, **context: Any) -> Page:
    """A page signed in as ``username`` in a browser context of its own (``context``: its
    options, such as ``java_script_enabled=False``)."""
    page = await (await browser.new_context(**context)).new_page()
    await page.goto(f"{app.url}/inbox")
    await expect(page).to_have_url(f"{app.url}/login?next=/inbox")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill("demo")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Waiting on you")).to_be_visible()
    return page


def raise_requisition(app: RunningApp, user: str, body: e2e.Json) -> str:
    """A requisition ``user`` raises through the API, which must be accepted; its PO number."""
    response = httpx.post(
        f"{app.url}/api/requisitions",
        json=body,
        headers={"Authorization": f"Bearer {app.tokens[user]}"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["po_number"])


def wait_for(app: RunningApp, number: str, ready: object, seconds: float = 30) -> e2e.Json:
    """GET the PO as the auditor until ``ready`` holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {app.tokens['ines']}"}
    while time.monotonic() < deadline:
        response = httpx.get(f"{app.url}/api/purchase-orders/{number}", headers=headers)
        if response.status_code == 200 and ready(response.json()):  # type: ignore[operator]
            return dict(response.json())
        time.sleep(0.3)
    raise AssertionError(f"{number} did not get there in {seconds}s")
