"""axe-core, the accessibility engine browsers' own audits use, run on a page in the browser
tests: ``await assert_accessible(page)`` fails naming each serious or critical violation, its
help text and the elements it was found on. (axe.min.js ships inside axe-playwright-python; no
download.)"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.async_playwright import Axe  # type: ignore[import-untyped]
from playwright.async_api import Page

BLOCKING = frozenset({"serious", "critical"})
# WCAG 2.1 A and AA, and axe's best practices: the rules a reviewer checks a page against.
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
_AXE = Axe()


async def violations(page: Page) -> list[dict[str, Any]]:
    """Every violation axe finds on the page as it is shown now, of any impact."""
    options = {"runOnly": {"type": "tag", "values": RULE_TAGS}, "resultTypes": ["violations"]}
    results = await _AXE.run(page, options=options)
    return list(results.response["violations"])


async def assert_accessible(page: Page) -> None:
    """The page has no serious or critical accessibility violation; else the assertion lists
    each one's id, impact, what it asks for and the CSS targets of its elements."""
    blocking = [v for v in await violations(page) if v.get("impact") in BLOCKING]
    assert not blocking, f"{page.url} breaks accessibility rules:\n" + "\n".join(
        _described(v) for v in blocking
    )


def _described(violation: dict[str, Any]) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    return (
        f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
        f"  on {len(targets)} element(s): {'; '.join(targets[:8])}"
    )
