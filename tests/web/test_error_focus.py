"""In a real browser with scripts turned off: a refused form opens with the keyboard focus on its
error summary (or the refusal), each summary entry links to its field, and each field in error
is marked invalid and described by its own message."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, FilePayload, Page, expect

from tests.api import e2e
from tests.web.browser_app import RunningApp, raise_requisition, sign_in, wait_for

pytestmark = pytest.mark.slow
NO_SCRIPTS = {"java_script_enabled": False}


async def _summary_links_each_field_to_its_message(page: Page, summary: str) -> None:
    links = page.locator(f"#{summary} a[href^='#']")
    assert await links.count() > 0, f"#{summary} links to no field"
    for index in range(await links.count()):
        link = links.nth(index)
        field_id = str(await link.get_attribute("href"))[1:]
        field = page.locator(f"[id='{field_id}']")
        described_by = str(await field.get_attribute("aria-describedby")).split()
        assert f"{field_id}-error" in described_by, f"{field_id} is not described by its error"
        await expect(field).to_have_attribute("aria-invalid", "true")
        message = await page.locator(f"[id='{field_id}-error']").inner_text()
        assert (await link.inner_text()) in message


async def test_a_refused_requisition_opens_on_its_error_summary(
    running_app: RunningApp, browser: Browser
) -> None:
    alex = await sign_in(browser, running_app, "alex", **NO_SCRIPTS)
    await alex.goto(f"{running_app.url}/requisitions/new")
    await alex.get_by_label("Quantity").fill("")
    await alex.get_by_role("button", name="Submit requisition").click()
    await expect(alex.locator("#form-errors")).to_be_focused()
    await _summary_links_each_field_to_its_message(alex, "form-errors")
    await alex.locator("#form-errors").get_by_role("link", name="Enter a title.").click()
    await expect(alex.get_by_label("Title")).to_be_focused()


async def test_a_refused_delegation_opens_on_its_error_summary(
    running_app: RunningApp, browser: Browser
) -> None:
    priya = await sign_in(browser, running_app, "priya", **NO_SCRIPTS)
    await priya.goto(f"{running_app.url}/delegations")
    await priya.get_by_label("Who decides for you").select_option("nora")
    await priya.get_by_label("From (UTC)").fill("2020-01-01T09:00")
    await priya.get_by_label("Until (UTC)").fill("2020-01-02T09:00")  # in the past
    await priya.get_by_label("Up to").fill("-5")
    await priya.get_by_role("button", name="Set delegation").click()
    await expect(priya.locator("#delegation-errors")).to_be_focused()
    await _summary_links_each_field_to_its_message(priya, "delegation-errors")


async def test_a_refused_document_proposal_opens_on_its_error_summary(
    running_app: RunningApp, browser: Browser
) -> None:
    fiona = await sign_in(browser, running_app, "fiona", **NO_SCRIPTS)
    await fiona.goto(f"{running_app.url}/costs/documents")
    await fiona.get_by_role("link", name="Propose a new version of the tag policy").click()
    document = fiona.get_by_label("The tag policy (JSON)")
    await document.fill('{"keys": {"owner": 1}}')
    await fiona.get_by_role("button", name="Propose for review").click()
    await expect(fiona.locator("#proposal-errors")).to_be_focused()
    await _summary_links_each_field_to_its_message(fiona, "proposal-errors")
    await expect(document).to_have_value('{"keys": {"owner": 1}}')

    file = FilePayload(name="tag-policy.json", mimeType="application/json", buffer=b'{"keys": ')
    await fiona.get_by_label("Or a .json file").set_input_files(file)
    await fiona.get_by_role("button", name="Propose for review").click()
    await expect(fiona.locator("#proposal-errors")).to_contain_text("line 1, column 10")
    await expect(document).to_have_value('{"keys": ')


async def test_a_refused_decision_is_focused_and_describes_the_comment_field(
    running_app: RunningApp, browser: Browser
) -> None:
    number = raise_requisition(running_app, "alex", e2e.storage_body())
    wait_for(running_app, number, lambda po: po["current_approvers"] == ["priya"])
    priya = await sign_in(browser, running_app, "priya", **NO_SCRIPTS)
    await priya.goto(f"{running_app.url}/po/{number}")
    await priya.get_by_text("Ask…").click()
    asking = priya.locator("#request_information-form")
    await asking.locator("textarea[name=comment]").fill("   ")  # passes `required`, says nothing
    await asking.get_by_role("button", name="Ask alex").click()
    refusal = priya.locator("#refusal")
    await expect(refusal).to_be_focused()
    await expect(refusal).to_have_text("A comment is required to ask for information here.")
    comment = priya.locator("#request_information-form textarea[name=comment]")
    await expect(comment).to_have_attribute("aria-invalid", "true")
    await expect(comment).to_have_attribute("aria-describedby", "refusal")
