"""In a real browser (Debian's chromium driven by Playwright): an approver signs in, opens the
PO from the inbox and approves it; the requester sees it issued; the decision form is offered
only to whom the tier waits on, on behalf of a delegator too. Screenshots of the inbox and the
PO page are saved under test-artifacts/."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.api import e2e
from tests.web.browser_app import ARTIFACTS, RunningApp, raise_requisition, sign_in, wait_for
from tests.web.smtp_catcher import full_links_in

pytestmark = pytest.mark.slow


async def test_a_requisition_raised_and_approved_in_the_browser_alone(
    running_app: RunningApp, browser: Browser
) -> None:
    alex = await sign_in(browser, running_app, "alex")
    await alex.get_by_role("link", name="New requisition").click()
    await alex.get_by_label("Title").fill("Developer suite for the platform team")
    await alex.locator("select#vendor").select_option(label="Contoso Software")
    await alex.get_by_label("MSA").select_option("MSA-CS-01")
    await alex.get_by_label("Catalog item").select_option("CS-DEVSUITE")
    await alex.get_by_label("Quantity").fill("60")
    start = date.today() + timedelta(days=10)
    await alex.get_by_label("Service start").fill(start.isoformat())
    await alex.get_by_label("Service end").fill((start + timedelta(days=364)).isoformat())
    await alex.get_by_label("Cost center").select_option("IT-APPS")
    await alex.get_by_label("Business case reference").fill("BC-2026-411")
    await alex.get_by_role("button", name=re.compile("Raise|Submit|Send")).click()
    await expect(alex.locator(".po-head h1")).to_contain_text("PO-")
    number = (await alex.locator(".po-head h1").inner_text()).split()[0]
    ARTIFACTS.mkdir(exist_ok=True)

    for approver in ("sam", "tom"):  # the cost-center owner, then IT leadership (> 25,000 EUR)
        wait_for(running_app, number, lambda po, who=approver: who in po["current_approvers"])
        page = await sign_in(browser, running_app, approver)
        if approver == "sam":
            await page.screenshot(path=str(ARTIFACTS / "inbox.png"), full_page=True)
        await page.get_by_role("link", name=number).click()
        await expect(page.get_by_role("heading", name="Approval chain")).to_be_visible()
        if approver == "tom":
            await page.screenshot(path=str(ARTIFACTS / "po-page.png"), full_page=True)
        await page.get_by_role("button", name="Approve", exact=True).click()
        await expect(page.get_by_role("status")).to_contain_text(f"Approved: {number}")

    wait_for(running_app, number, lambda po: po["status"] == "issued")
    await alex.get_by_role("link", name="My requests").click()
    await expect(alex.get_by_role("heading", name=re.compile(number))).to_be_visible()
    await alex.goto(f"{running_app.url}/po/{number}")
    await expect(alex.locator(".po-head .badge").first).to_have_text("issued")


async def test_the_decision_form_is_offered_only_to_whom_the_tier_waits_on(
    running_app: RunningApp, browser: Browser
) -> None:
    """Before their tier, after it, or on their own PO, a person reads why they cannot decide
    instead of a form the workflow would refuse."""
    body = e2e.subscription_body("30000.00", cost_center="IT-INFRA", gl_account="6100")
    number = raise_requisition(running_app, "sam", body)  # priya, then tom (IT leadership)
    wait_for(running_app, number, lambda po: po["current_approvers"] == ["priya"])
    pages = {who: await sign_in(browser, running_app, who) for who in ("sam", "tom", "priya")}
    for page in pages.values():
        await page.goto(f"{running_app.url}/po/{number}")
    why_not = {who: page.locator("#why-not-deciding") for who, page in pages.items()}
    await expect(why_not["sam"]).to_have_text(
        "You requested this PO. Waiting on priya (cost-center owner)."
    )
    await expect(why_not["tom"]).to_have_text("Waiting on priya (cost-center owner).")
    for who in ("sam", "tom"):
        await expect(pages[who].get_by_role("button", name="Approve")).to_have_count(0)

    await pages["priya"].get_by_role("button", name="Approve", exact=True).click()
    await expect(pages["priya"].get_by_role("status")).to_contain_text(f"Approved: {number}")
    await expect(why_not["priya"]).to_have_text(
        "You approved tier 1 (cost-center owner). Waiting on tom (IT leadership)."
    )
    await expect(pages["priya"].get_by_role("button", name="Approve")).to_have_count(0)
    wait_for(running_app, number, lambda po: po["current_approvers"] == ["tom"])
    await pages["tom"].reload()
    await expect(pages["tom"].get_by_role("button", name="Approve", exact=True)).to_be_visible()


async def test_a_delegate_decides_on_behalf_of_the_delegator_in_the_browser(
    running_app: RunningApp, browser: Browser
) -> None:
    number = raise_requisition(running_app, "alex", e2e.storage_body(terabytes=4))
    wait_for(running_app, number, lambda po: po["current_approvers"] == ["priya"])
    delegation = _delegate(running_app, "priya", "nora", cost_centers=["IT-INFRA"])
    try:
        nora = await sign_in(browser, running_app, "nora")
        row = nora.get_by_role("row").filter(has=nora.get_by_role("link", name=number))
        await expect(row).to_contain_text("for priya")
        await nora.get_by_role("link", name=number).click()
        await expect(nora.locator("#deciding-for")).to_have_text("You decide on behalf of priya.")
        await expect(nora.get_by_text("for myself")).to_have_count(0)  # nora is not in the chain
        await nora.get_by_role("button", name="Approve", exact=True).click()
        await expect(nora.get_by_role("status")).to_contain_text(
            f"Approved: {number} on behalf of priya"
        )
        await expect(nora.locator("#timeline")).to_contain_text("nora on behalf of priya")
    finally:
        _revoke(running_app, "priya", delegation)
    issued = wait_for(running_app, number, lambda po: po["status"] == "issued")
    decisions = [(d["actor"], d["on_behalf_of"]) for d in issued["detail"]["decisions"]]
    assert decisions == [("nora", "priya")]


async def test_a_rejection_sent_again_after_its_refusal_is_recorded_as_a_rejection(
    running_app: RunningApp, browser: Browser
) -> None:
    number = raise_requisition(running_app, "alex", e2e.storage_body())
    wait_for(running_app, number, lambda po: po["status"] == "pending_approval")
    priya = await sign_in(browser, running_app, "priya")
    await priya.goto(f"{running_app.url}/po/{number}")
    await priya.get_by_text("Reject…").click()
    reason = priya.locator("#comment-reject")
    await reason.fill("   ")  # blank in all but name: the browser sends it, poflow refuses it
    await priya.get_by_role("button", name="Reject", exact=True).click()
    await expect(priya.get_by_role("alert")).to_contain_text("comment")
    await expect(reason).to_be_visible()  # the Reject form is kept open
    await reason.fill("Use the shared bucket instead")
    await priya.get_by_role("button", name="Reject", exact=True).click()
    await expect(priya.get_by_role("status")).to_contain_text(f"Rejected: {number}")
    decided = wait_for(running_app, number, lambda po: po["status"] in ("rejected", "issued"))
    assert decided["status"] == "rejected"
    assert [d["action"] for d in decided["detail"]["decisions"]] == ["reject"]


def _delegate(app: RunningApp, delegator: str, delegate: str, **scope: object) -> int:
    """A delegation from ``delegator`` to ``delegate`` for the next day; its id."""
    now = datetime.now(UTC)
    window = {"starts_at": (now - timedelta(minutes=5)).isoformat()}
    window["ends_at"] = (now + timedelta(days=1)).isoformat()
    response = httpx.post(
        f"{app.url}/api/delegations",
        json={"delegate": delegate, **window, **scope},
        headers={"Authorization": f"Bearer {app.tokens[delegator]}"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _revoke(app: RunningApp, delegator: str, delegation: int) -> None:
    response = httpx.delete(
        f"{app.url}/api/delegations/{delegation}",
        headers={"Authorization": f"Bearer {app.tokens[delegator]}"},
    )
    assert response.status_code in (200, 204), response.text


async def test_a_signed_link_from_a_mail_asks_to_confirm_then_decides(
    running_app: RunningApp, browser: Browser
) -> None:
    number = raise_requisition(running_app, "alex", e2e.subscription_body("450.00"))
    message = await running_app.mail.wait_for("approval_requested", number)
    approve = full_links_in(message)["Approve"]
    page = await (await browser.new_context()).new_page()  # a mail client: no poflow session
    await page.goto(approve)
    confirm = page.get_by_role("button", name=f"Approve {number}")
    await expect(confirm).to_be_visible()
    waiting = wait_for(running_app, number, lambda po: po["status"] == "pending_approval")
    assert waiting["current_approvers"] == ["sam"]  # opening the link decided nothing
    await confirm.click()
    await expect(page.get_by_text(re.compile("approved", re.IGNORECASE)).first).to_be_visible()
    wait_for(running_app, number, lambda po: po["status"] == "issued")
    await page.goto(approve)
    await expect(page.get_by_text(re.compile("already used", re.IGNORECASE)).first).to_be_visible()
