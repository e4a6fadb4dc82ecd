"""In a real browser (Debian's chromium driven by Playwright): an approver sorts the inbox,
reads it as cards on a phone without scrolling sideways, and approves the low-risk POs
together; signing in lands a requester on their step tracker and an auditor on the PO
search. Screenshots of the inbox at 1366x900 and 390x844 are saved under test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from tests.api import e2e
from tests.web.browser_app import ARTIFACTS, RunningApp, raise_requisition, sign_in, wait_for
from tests.web.pages import DESKTOP, PHONE

pytestmark = pytest.mark.slow


async def test_the_inbox_is_a_worklist_on_a_desktop_and_a_phone(
    running_app: RunningApp, browser: Browser
) -> None:
    low = [raise_requisition(running_app, "alex", e2e.storage_body(terabytes=t)) for t in (2, 5)]
    high = raise_requisition(running_app, "alex", e2e.storage_body(terabytes=300))  # 6,300.00 EUR
    for number in (*low, high):
        wait_for(running_app, number, lambda po: po["status"] == "pending_approval")
    priya = await sign_in(browser, running_app, "priya")
    await priya.set_viewport_size(DESKTOP)
    await expect(
        priya.get_by_role("link", name=re.compile(r"^Inbox, \d+ waiting$"))
    ).to_be_visible()
    await priya.get_by_label("Sort by").select_option(label="Amount, largest first")
    await priya.get_by_role("button", name="Show").click()
    await expect(priya).to_have_url(re.compile(r"sort=amount"))
    links = priya.locator("table.worklist tbody a[href^='/po/']")
    shown = [n for n in await links.all_inner_texts() if n in (*low, high)]
    assert shown == [high, low[1], low[0]]
    ARTIFACTS.mkdir(exist_ok=True)
    await priya.screenshot(path=str(ARTIFACTS / "inbox-1366x900.png"), full_page=True)

    await priya.set_viewport_size(PHONE)
    await priya.reload()
    width = await priya.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the inbox is {width} px wide on a 390 px phone"
    card = priya.get_by_role("row").filter(has=priya.get_by_role("link", name=high))
    assert await card.evaluate("row => getComputedStyle(row).display") == "block"
    box = await card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    await priya.screenshot(path=str(ARTIFACTS / "inbox-390x844.png"), full_page=True)

    await expect(priya.get_by_label(f"Select {high} to approve")).to_have_count(0)
    for number in low:
        await priya.get_by_label(f"Select {number} to approve").check()
    await priya.get_by_role("button", name="Approve selected").click()
    await expect(priya.get_by_role("heading", name="Approved together")).to_be_visible()
    approved = priya.get_by_role("list", name=re.compile("^Approved"))
    for number in low:
        await expect(approved).to_contain_text(f"{number} approved")
    for number in low:
        wait_for(running_app, number, lambda po: po["status"] == "issued")


async def test_signing_in_lands_each_role_on_its_page(
    running_app: RunningApp, browser: Browser
) -> None:
    number = raise_requisition(running_app, "alex", e2e.storage_body())
    wait_for(running_app, number, lambda po: po["status"] == "pending_approval")
    alex = await sign_in(browser, running_app, "alex")
    await alex.goto(f"{running_app.url}/")
    await expect(alex.get_by_role("heading", name="My requests")).to_be_visible()
    tracker = alex.get_by_role("list", name=f"Where {number} stands")
    current = tracker.locator("[aria-current=step]")
    await expect(current).to_have_text("Approval: tier 1 of 1 (cost-center owner) (now)")
    await expect(tracker.get_by_role("listitem").first).to_have_text("Requisition (done)")

    ines = await sign_in(browser, running_app, "ines")
    await ines.goto(f"{running_app.url}/")
    await expect(ines.get_by_role("heading", name="Find a purchase order")).to_be_visible()
    # intact or not depends on the data folder's checkpoints, which other test runs share
    state = re.compile(r"^Audit trail: (intact|BROKEN)$")
    await expect(ines.get_by_role("heading", name=state)).to_be_visible()
    await ines.get_by_label("PO number").fill(number)
    await ines.get_by_role("button", name="Search").click()
    await ines.get_by_role("link", name=number).click()
    await expect(ines).to_have_url(f"{running_app.url}/po/{number}")
    await expect(ines.get_by_text("Audit trail", exact=True).first).to_be_visible()
