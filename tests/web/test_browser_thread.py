"""In a real browser (Debian's chromium driven by Playwright): an approver asks the requester a
question; the requester finds it in the inbox, answers it from My requests, and both read the
question and the answer on the PO page. A screenshot of the thread is saved under
test-artifacts/."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.api import e2e
from tests.web.browser_app import ARTIFACTS, RunningApp, raise_requisition, sign_in, wait_for

pytestmark = pytest.mark.slow


async def test_the_requesters_answer_shows_on_the_po_page_in_the_browser(
    running_app: RunningApp, browser: Browser
) -> None:
    number = raise_requisition(running_app, "alex", e2e.storage_body())
    wait_for(running_app, number, lambda po: po["status"] == "pending_approval")
    async with httpx.AsyncClient(base_url=running_app.url) as api:
        asked = await api.post(
            f"/api/purchase-orders/{number}/decisions",
            json={"action": "request_information", "comment": "Which teams back up there?"},
            headers={"Authorization": f"Bearer {running_app.tokens['priya']}"},
        )
    assert asked.status_code == 200, asked.text
    wait_for(running_app, number, lambda po: po["status"] == "information_requested")

    alex = await sign_in(browser, running_app, "alex")
    await expect(alex.get_by_role("link", name=number)).to_be_visible()
    await expect(alex.get_by_text("Which teams back up there?")).to_be_visible()
    await alex.get_by_role("link", name="Answer in My requests").click()
    await alex.get_by_label("Your answer").fill("Finance and HR, nightly")
    await alex.get_by_role("button", name="Send answer").click()
    await expect(alex.get_by_role("status")).to_contain_text(f"Answer sent: {number}")
    wait_for(running_app, number, lambda po: po["status"] == "pending_approval")

    priya = await sign_in(browser, running_app, "priya")
    await priya.goto(f"{running_app.url}/po/{number}")
    thread = priya.get_by_role("region", name="Questions and answers")
    await expect(thread).to_contain_text("priya asked")
    await expect(thread).to_contain_text("Which teams back up there?")
    await expect(thread).to_contain_text("alex answered")
    await expect(thread).to_contain_text("Finance and HR, nightly")
    ARTIFACTS.mkdir(exist_ok=True)
    await thread.screenshot(path=str(ARTIFACTS / "po-thread.png"))

    await priya.goto(f"{running_app.url}/no-such-page")
    await expect(priya.get_by_role("heading", name="Not found")).to_be_visible()
