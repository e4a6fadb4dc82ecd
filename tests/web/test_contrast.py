"""Non-text contrast (WCAG 1.4.11), read from the styles the browser computes: the border of every
input, select and text area stands out at least 3:1 from its own fill and from what surrounds
it, and the keyboard focus ring in the dark header at least 3:1 from the header."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, ElementHandle

from tests.web.browser_app import RunningApp, sign_in
from tests.web.contrast import background_behind, contrast_ratio, style_of

pytestmark = pytest.mark.slow
NON_TEXT_MINIMUM = 3.0
FIELDS = "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea"


async def _border_contrast(field: ElementHandle) -> float:
    border = await style_of(field, "borderTopColor")
    fill = await style_of(field, "backgroundColor")
    around = await background_behind(await field.evaluate_handle("(e) => e.parentElement"))  # type: ignore[arg-type]
    return min(contrast_ratio(border, fill), contrast_ratio(border, around))


@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("alex", "/requisitions/new"),
        ("priya", "/delegations"),
        ("maria", "/admin/policies"),
    ],
)
async def test_form_fields_have_borders_at_three_to_one(
    running_app: RunningApp, browser: Browser, user: str, path: str
) -> None:
    page = await sign_in(browser, running_app, user)
    await page.goto(f"{running_app.url}{path}")
    fields = await page.query_selector_all(FIELDS)
    assert fields, f"{path} shows no form field"
    weak = {}
    for field in fields:
        ratio = await _border_contrast(field)
        if ratio < NON_TEXT_MINIMUM:
            weak[await field.get_attribute("id") or await field.get_attribute("name")] = ratio
    assert not weak, f"borders under {NON_TEXT_MINIMUM}:1 on {path}: {weak}"
    await page.context.close()


async def test_the_focus_ring_in_the_header_stands_out_from_it(
    running_app: RunningApp, browser: Browser
) -> None:
    page = await sign_in(browser, running_app, "priya")
    header = await page.query_selector(".site-header")
    assert header is not None
    behind = await background_behind(header)
    links = await header.query_selector_all("a, button")
    await page.keyboard.press("Tab")  # the skip link, then each link of the header in turn
    for _ in links:
        await page.keyboard.press("Tab")
        focused = await page.evaluate_handle("document.activeElement")
        element = focused.as_element()
        assert element is not None
        name = (await element.inner_text()).strip()
        assert await style_of(element, "outlineStyle") != "none", f"{name} shows no focus ring"
        ring = await style_of(element, "outlineColor")
        ratio = contrast_ratio(ring, behind)
        assert ratio >= NON_TEXT_MINIMUM, f"{name}: focus ring {ring} on {behind} is {ratio:.2f}:1"
    await page.context.close()
