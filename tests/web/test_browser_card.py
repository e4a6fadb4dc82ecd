"""In a real browser (Debian's chromium driven by Playwright): on a phone the decision card and
its Approve button are on screen without scrolling, and the approver decides from there; the
next approver reads the timeline with the first tier done (who, when) and theirs now. Screenshots
of the card and the timeline at 1366x900 and 390x844 are saved under test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.api import e2e
from tests.web.browser_app import ARTIFACTS, RunningApp, raise_requisition, sign_in, wait_for
from tests.web.pages import DESKTOP, PHONE

pytestmark = pytest.mark.slow


async def _shoot(page: Page, name: str) -> None:
    """The card (with its actions) as the screen shows it, and the timeline, at both sizes."""
    ARTIFACTS.mkdir(exist_ok=True)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(viewport)
        await page.evaluate("window.scrollTo(0, 0)")
        await page.screenshot(path=str(ARTIFACTS / f"decision-card-{name}-{size}.png"))
        timeline = page.locator("#timeline")
        await timeline.screenshot(path=str(ARTIFACTS / f"timeline-{name}-{size}.png"))


async def test_on_a_phone_the_approver_decides_from_the_card_without_scrolling(
    running_app: RunningApp, browser: Browser
) -> None:
    body = e2e.subscription_body("30000.00", cost_center="IT-INFRA", gl_account="6100")
    number = raise_requisition(running_app, "sam", body)  # priya, then tom (IT leadership)
    wait_for(running_app, number, lambda po: po["current_approvers"] == ["priya"])
    priya = await sign_in(browser, running_app, "priya")
    await priya.goto(f"{running_app.url}/po/{number}")
    await _shoot(priya, "first-tier")

    await priya.set_viewport_size(PHONE)
    await priya.reload()
    card = priya.locator("#decision-card")
    await expect(card).to_contain_text("30,000.00 EUR")
    await expect(card).to_contain_text("Tier 1 of 2: cost-center owner (you), then IT leadership")
    approve = priya.get_by_role("button", name="Approve", exact=True)
    for part in (card, approve):
        box = await part.bounding_box()
        assert box is not None
        inside = box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert inside and box["y"] + box["height"] <= PHONE["height"], box
    for action in ("Reject…", "Ask…", "Forward…", "Extend…"):
        await expect(priya.get_by_text(action, exact=True)).to_be_visible()
    await approve.click()
    await expect(priya.get_by_role("status")).to_contain_text(f"Approved: {number}")

    wait_for(running_app, number, lambda po: po["current_approvers"] == ["tom"])
    tom = await sign_in(browser, running_app, "tom")
    await tom.goto(f"{running_app.url}/po/{number}")
    tiers = tom.locator("#timeline .timeline > li")
    await expect(tiers.nth(0)).to_contain_text("Tier 1: cost-center owner done")
    await expect(tiers.nth(0)).to_contain_text("approved by priya at")
    await expect(tiers.nth(1)).to_contain_text("Tier 2: IT leadership now")
    await expect(tiers.nth(1)).to_contain_text("waiting on tom · due in")
    await _shoot(tom, "second-tier")
