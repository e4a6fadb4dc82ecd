"""In a real browser (Debian's chromium driven by Playwright): the report, admin and delegation
pages fit a phone's screen, and every chart's labels are drawn whole, inside the chart, large
enough to read on a phone. Screenshots of a report and of the finance summary at 1366x900 and
390x844 are saved under test-artifacts/."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from playwright.async_api import Browser, Page

from domain.fiscal import fiscal_period
from settings import Settings
from tests.web.browser_app import ARTIFACTS, RunningApp, sign_in
from tests.web.pages import DESKTOP, PHONE

pytestmark = pytest.mark.slow

REPORTS = ["/reports/summary", "/reports/budget", "/reports/budget/IT", "/reports/commitments"]

# The outermost elements reaching past the right edge of the screen, to say what to fix.
STICKING_OUT = """() => [...document.querySelectorAll("main *, header *")]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5
    && e.parentElement.getBoundingClientRect().right <= innerWidth + 0.5)
  .slice(0, 4).map(e => e.outerHTML.slice(0, 80))"""

# Every visible text of the chart: its words, whether its box lies inside the chart's, its height.
CHART_TEXTS = """svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll("text")]
    .filter(t => t.textContent.trim() && t.getClientRects().length)
    .map(t => {
      const r = t.getBoundingClientRect();
      const inside = r.left >= box.left - 0.5 && r.right <= box.right + 0.5
        && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
      return {text: t.textContent, inside: inside, height: r.height};
    });
}"""


async def test_report_admin_and_delegation_pages_fit_a_phone(
    running_app: RunningApp, browser: Browser
) -> None:
    paul = await _on_a_phone(browser, running_app, "paul")  # procurement: every report
    maria = await _on_a_phone(browser, running_app, "maria")  # admin
    line = await _first_line_page(paul, running_app)
    policy = await _first_policy_page(maria, running_app)
    pages = [(paul, path) for path in [*REPORTS, line, "/reports/undelivered", "/delegations"]]
    admin = ["/admin", "/admin/users", "/admin/policies", policy, "/admin/cost-centers"]
    pages += [(maria, path) for path in admin]
    too_wide = {}
    for page, path in pages:
        response = await page.goto(f"{running_app.url}{path}")
        assert response is not None and response.status == 200, path
        width = await page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = (width, await page.evaluate(STICKING_OUT))
    assert too_wide == {}, f"wider than a {PHONE['width']} px phone: {too_wide}"


async def test_chart_labels_are_whole_and_readable_on_a_phone(
    running_app: RunningApp, browser: Browser
) -> None:
    _book_an_actual(running_app)
    paul = await _on_a_phone(browser, running_app, "paul")
    clipped, tiny, charts = [], [], 0
    for path in REPORTS:
        await paul.goto(f"{running_app.url}{path}")
        for chart in await paul.locator(".chart-figure svg[role=img]").all():
            if not await chart.is_visible():
                continue
            charts += 1
            texts = await chart.evaluate(CHART_TEXTS)
            assert texts, f"a chart on {path} has no labels"
            clipped += [f"{path}: {t['text']!r}" for t in texts if not t["inside"]]
            tiny += [
                f"{path}: {t['text']!r} {t['height']:.1f}px" for t in texts if t["height"] < 10
            ]
    assert charts >= 4
    assert clipped == [], f"labels cut off at the chart's edge: {clipped}"
    assert tiny == [], f"labels smaller than 10 px on a phone: {tiny[:10]}"


async def test_screenshots_of_a_report_and_the_summary(
    running_app: RunningApp, browser: Browser
) -> None:
    fiona = await sign_in(browser, running_app, "fiona")  # finance
    ARTIFACTS.mkdir(exist_ok=True)
    for name, path in (
        ("report-cost-center", "/reports/budget/IT"),
        ("summary", "/reports/summary"),
    ):
        for size in (DESKTOP, PHONE):
            await fiona.set_viewport_size(size)
            await fiona.goto(f"{running_app.url}{path}")
            shot = ARTIFACTS / f"{name}-{size['width']}x{size['height']}.png"
            await fiona.screenshot(path=str(shot), full_page=True)


async def _on_a_phone(browser: Browser, app: RunningApp, username: str) -> Page:
    page = await sign_in(browser, app, username)
    await page.set_viewport_size(PHONE)
    return page


async def _first_line_page(page: Page, app: RunningApp) -> str:
    await page.goto(f"{app.url}/reports/budget?cost_center=IT-SEC")
    href = await page.locator("a[href^='/reports/budget/lines/']").first.get_attribute("href")
    assert href
    return href


async def _first_policy_page(page: Page, app: RunningApp) -> str:
    await page.goto(f"{app.url}/admin/policies")
    href = await page.locator("a[href^='/admin/policies/']").first.get_attribute("href")
    assert href
    return href


def _book_an_actual(app: RunningApp) -> None:
    """A cloud bill on IT-SEC's professional services this period, so the charts show
    actual cost next to the budget (no PO of the other browser tests books there)."""
    today = fiscal_period(date.today(), Settings(_env_file=None).fiscal_year_start_month)
    response = httpx.post(
        f"{app.url}/api/ledger/actuals",
        json={
            "cost_center": "IT-SEC",
            "gl_account": "6130",
            "fiscal_year": today.fiscal_year,
            "period": today.period,
            "amount": "4321.09",
            "reference": "JE-BROWSER-REPORTS",
            "note": "penetration test",
        },
        headers={"Authorization": f"Bearer {app.tokens['fiona']}"},
    )
    assert response.status_code in (200, 201), response.text
