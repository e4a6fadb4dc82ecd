"""In a real browser against `poflow api` and `poflow worker` as their own processes: finance
configures a cost source with the page's form, uploads the real AWS CUR sample with its upload
form, is taken to the page that follows the load, and the sources list shows the load current.
The pages fit a phone's screen and break no serious accessibility rule; screenshots at 1366x900
and 390x844 go to test-artifacts/."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.builders.cost_files import AWS_CUR_SAMPLE
from tests.web.axe import assert_accessible
from tests.web.browser_app import ARTIFACTS, RunningApp, sign_in
from tests.web.pages import DESKTOP, PHONE
from tests.web.test_browser_reports import STICKING_OUT

pytestmark = pytest.mark.slow


def wait_for_current_load(app: RunningApp, source: str, seconds: float = 120) -> dict[str, object]:
    """The source as the API lists it, once its last load is current; fail after ``seconds``."""
    headers = {"Authorization": f"Bearer {app.tokens['ines']}"}
    deadline, listed = time.monotonic() + seconds, dict[str, object]()
    while time.monotonic() < deadline:
        sources = httpx.get(f"{app.url}/api/costs/sources", headers=headers).json()
        listed = next((s for s in sources if s["name"] == source), {})
        if listed.get("last_load_status") == "current":
            return dict(listed)
        time.sleep(0.5)
    raise AssertionError(f"the load of {source} did not end in {seconds}s: {listed}")


async def test_finance_configures_a_source_and_uploads_a_file_in_the_browser(
    running_app: RunningApp, browser: Browser
) -> None:
    fiona = await sign_in(browser, running_app, "fiona")
    await fiona.set_viewport_size(DESKTOP)
    await fiona.goto(f"{running_app.url}/costs/sources")
    name = f"aws-{uuid.uuid4().hex[:6]}"
    await fiona.get_by_label("Name", exact=True).fill(name)
    await fiona.get_by_label("Format", exact=True).select_option("aws-cur")
    await fiona.get_by_label("Provider", exact=True).fill("AWS")
    await fiona.get_by_label("Base currency", exact=True).fill("USD")
    await fiona.locator("#rule_missing_mandatory").select_option("keep_and_flag")
    await fiona.get_by_role("button", name="Configure the source").click()
    await expect(fiona.get_by_role("heading", name=f"Cost source {name}")).to_be_visible()

    await fiona.get_by_label("Cost file", exact=True).set_input_files(AWS_CUR_SAMPLE)
    await fiona.get_by_role("button", name="Upload and load").click()
    await expect(fiona).to_have_url(
        f"{running_app.url}/costs/loads?workflow=cost-load-{name}-2023-11"
    )
    listed = wait_for_current_load(running_app, name)
    assert listed["last_load_file"] == AWS_CUR_SAMPLE.name

    ARTIFACTS.mkdir(exist_ok=True)
    too_wide = {}
    for path in ("/costs/sources", f"/costs/sources/{name}"):
        for size in (DESKTOP, PHONE):
            await fiona.set_viewport_size(size)
            await fiona.goto(f"{running_app.url}{path}")
            shot = "cost-sources" if path == "/costs/sources" else "cost-source"
            await fiona.screenshot(
                path=str(ARTIFACTS / f"{shot}-{size['width']}x{size['height']}.png"),
                full_page=True,
            )
            await assert_accessible(fiona)
            width = await fiona.evaluate("document.documentElement.scrollWidth")
            if size == PHONE and width > PHONE["width"]:
                too_wide[path] = (width, await fiona.evaluate(STICKING_OUT))
    assert too_wide == {}, f"wider than a {PHONE['width']} px phone: {too_wide}"
    row = fiona.locator(f"#source-{name}")
    await fiona.goto(f"{running_app.url}/costs/sources")
    await expect(row).to_contain_text("current")
