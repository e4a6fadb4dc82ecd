"""In a real browser (Debian's chromium), finance on a phone and on a desktop: the cost pages
over the real AWS CUR sample pass axe-core, fit a phone's screen, and drill down from a service
to its resources and to its lines; the loads page and a load's report likewise. Screenshots are
saved under test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from models.db import build_engine
from tests.api.costs.explore_client import load_sample
from tests.builders.cost_files import AWS_CUR_SAMPLE
from tests.web.axe import assert_accessible
from tests.web.browser_app import ARTIFACTS, RunningApp, sign_in
from tests.web.pages import DESKTOP, PHONE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cost_source(demo_database_url: str) -> str:
    engine = build_engine(demo_database_url, pool_size=1)
    try:
        return load_sample(engine, AWS_CUR_SAMPLE)
    finally:
        engine.dispose()


async def _checked(page: Page, size: ViewportSize, name: str) -> None:
    """Accessible, no wider than the screen, and kept as a screenshot."""
    await assert_accessible(page)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= size["width"], f"{page.url} is {width}px wide on a {size['width']}px screen"
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / f"{name}-{size['width']}.png", full_page=True)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
async def test_finance_explores_costs_down_to_the_lines(
    running_app: RunningApp, browser: Browser, cost_source: str, size: ViewportSize
) -> None:
    page = await sign_in(browser, running_app, "fiona", viewport=size)
    await page.get_by_role("link", name="Costs", exact=True).click()
    await expect(page.get_by_role("heading", name="Costs", exact=True)).to_be_visible()
    await page.get_by_label("Source").select_option(cost_source)
    await page.get_by_label("Group by").select_option("service")
    await page.get_by_role("button", name="Show").click()
    await expect(page.locator(".chart-figure svg[role=img]")).to_have_count(1)
    await _checked(page, size, "costs")
    await page.get_by_role("link", name=re.compile(r"^Resources of ")).first.click()
    await expect(page.get_by_role("columnheader", name="resource")).to_be_visible()
    await _checked(page, size, "costs-resources")
    await page.get_by_role("link", name=re.compile(r"^Lines of ")).first.click()
    await expect(page.get_by_role("heading", name="Cost lines")).to_be_visible()
    assert await page.locator("tbody tr").count() > 0
    await _checked(page, size, "costs-lines")
    await page.goto(f"{running_app.url}/costs/loads")
    await _checked(page, size, "costs-loads")
    await page.get_by_role("link", name=re.compile(r"report of the load")).first.click()
    await expect(page.get_by_role("heading", name="Data quality")).to_be_visible()
    await _checked(page, size, "costs-load")
