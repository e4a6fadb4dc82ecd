"""Every page, in a real browser, as the person it is for sees it, passes axe-core with no
serious or critical violation: forms with their errors, the PO page pending (with its decision
form, and refused) and issued, reports, admin pages, the signed-link pages, the error page and
the demo's simulators' page. A new page is one more entry in ``PAGES``."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from devstack.outside_world import OutsideWorld, demo_variables, outside_world_app
from devstack.serving import loopback_socket, served, url_of
from tests.api import e2e
from tests.web.axe import assert_accessible
from tests.web.browser_app import RunningApp, raise_requisition, sign_in, wait_for
from tests.web.smtp_catcher import full_links_in

pytestmark = pytest.mark.slow
Scene = dict[str, str]
Step = Callable[[Page], Awaitable[None]]


@dataclass(frozen=True)
class Shown:
    """A page as someone sees it: who signs in (None: nobody), the path (``{pending}`` and the
    other names of the scene are filled in), and what they do there before it is checked."""

    user: str | None
    path: str
    then: Step | None = None


async def _submit_empty(page: Page) -> None:
    await page.get_by_role("button", name="Submit requisition").click()
    await expect(page.locator("#form-errors")).to_be_visible()


async def _reject_without_comment(page: Page) -> None:
    """Reject with no reason, as a browser that does not check required fields sends it: the
    server refuses it and the page says why."""
    await page.get_by_text("Reject…").click()
    form = page.locator("#reject-form form")
    await form.evaluate("form => { form.noValidate = true; }")
    await form.get_by_role("button", name="Reject").click()
    await expect(page.get_by_role("alert")).to_be_visible()


async def _upload_bad_policy(page: Page) -> None:
    await page.get_by_label("Policy name").fill("accessibility-check")
    await page.get_by_label("Policy document (JSON)").fill('{"tiers": []}')
    await page.get_by_role("button", name="Store as a new version").click()
    await expect(page.locator("#document-errors")).to_be_visible()


async def _propose_a_broken_document(page: Page) -> None:
    await page.get_by_label("The tag policy (JSON)").fill('{"keys": {"owner": 1}}')
    await page.get_by_role("button", name="Propose for review").click()
    await expect(page.locator("#proposal-errors")).to_be_visible()


async def _delegate_into_the_past(page: Page) -> None:
    await page.get_by_label("Who decides for you").select_option("nora")
    await page.get_by_label("From (UTC)").fill("2020-01-01T09:00")
    await page.get_by_label("Until (UTC)").fill("2020-01-02T09:00")
    await page.get_by_role("button", name="Set delegation").click()
    await expect(page.locator("#delegation-errors")).to_be_visible()


async def _add_a_nameless_person(page: Page) -> None:
    await page.get_by_label("Username").fill("Not a username")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.locator("#add-errors")).to_be_visible()


async def _confirm(page: Page) -> None:
    """Confirm the link's decision: on the first screen it decides; the link is then spent, and
    the next screen reads the result page that says so."""
    confirm = page.get_by_role("button", name="Approve")
    if await confirm.count():
        await confirm.click()
    await expect(page.locator(".narrow [role=status], .narrow [role=alert]")).to_be_visible()


def _follow(selector: str) -> Step:
    async def follow(page: Page) -> None:
        await page.locator(selector).first.click()
        await page.wait_for_load_state()

    return follow


PAGES: dict[str, Shown] = {
    "login": Shown(None, "/login"),
    "inbox": Shown("priya", "/inbox"),
    "new requisition": Shown("alex", "/requisitions/new"),
    "new requisition refused": Shown("alex", "/requisitions/new", _submit_empty),
    "my requests": Shown("alex", "/my-requests"),
    "PO pending, with the decision form": Shown("priya", "/po/{pending}"),
    "PO pending, decision refused": Shown("priya", "/po/{pending}", _reject_without_comment),
    "PO pending, to its requester": Shown("alex", "/po/{pending}"),
    "PO issued": Shown("alex", "/po/{issued}"),
    "delegations": Shown("priya", "/delegations"),
    "delegations refused": Shown("priya", "/delegations", _delegate_into_the_past),
    "preferences": Shown("priya", "/preferences"),
    "finance summary": Shown("fiona", "/reports/summary"),
    "audit search": Shown("ines", "/audit?requester=alex"),
    "budget report": Shown("fiona", "/reports/budget"),
    "budget report, bad parameter": Shown("fiona", "/reports/budget?fiscal_year=nineteen"),
    "cost-center report": Shown("fiona", "/reports/budget/IT-INFRA"),
    "service forecasts": Shown("fiona", "/reports/forecast/services"),
    "budget line report": Shown(
        "fiona", "/reports/budget", _follow("a[href^='/reports/budget/lines/']")
    ),
    "commitments report": Shown("fiona", "/reports/commitments"),
    "undelivered report": Shown("fiona", "/reports/undelivered"),
    "cost documents": Shown("fiona", "/costs/documents"),
    "cost document proposal": Shown("fiona", "/costs/documents/tag_policy/new"),
    "cost document proposal refused": Shown(
        "fiona", "/costs/documents/tag_policy/new", _propose_a_broken_document
    ),
    "admin": Shown("maria", "/admin"),
    "admin users": Shown("maria", "/admin/users"),
    "admin users refused": Shown("maria", "/admin/users", _add_a_nameless_person),
    "admin policies": Shown("maria", "/admin/policies"),
    "admin policy refused": Shown("maria", "/admin/policies", _upload_bad_policy),
    "admin policy version": Shown(
        "maria", "/admin/policies", _follow("a[href^='/admin/policies/']")
    ),
    "admin cost centers": Shown("maria", "/admin/cost-centers"),
    "signed link, confirm": Shown(None, "{reject_link}"),
    "signed link, result": Shown(None, "{approve_link}", _confirm),
    "not found": Shown("priya", "/no-such-page"),
    "simulators": Shown(None, "{simulators}/"),
    "expense dashboard": Shown("fiona", "/costs/dashboard"),
    "expense dashboard, a cost center's services": Shown("priya", "/costs/dashboard?cc=IT-INFRA"),
    "expense summary subscription": Shown("priya", "/costs/dashboard/subscription"),
}


# The sizes the pages are tried at: a laptop, and a phone (where wide tables scroll).
SCREENS: dict[str, ViewportSize] = {
    "1366x900": {"width": 1366, "height": 900},
    "390x844": {"width": 390, "height": 844},
}


@pytest.fixture(scope="module")
def simulators(running_app: RunningApp) -> Iterator[str]:
    """The demo's simulators' page, served as ``poflow up`` serves it, with one requested item."""
    sock: socket.socket = loopback_socket()
    world = OutsideWorld(running_app.url)
    world.servicenow.add_requested_item(
        "RITM0010001",
        "Developer suite",
        "alex",
        "alex@example.org",
        demo_variables(date.today() + timedelta(days=10)),
    )
    with served(outside_world_app(world), sock):
        yield url_of(sock)


@pytest.fixture(scope="module")
async def scene(running_app: RunningApp, simulators: str) -> AsyncIterator[Scene]:
    """A PO waiting on priya (and her mail's reject link), one waiting on sam (and his mail's
    approve link), and one issued."""
    pending = raise_requisition(running_app, "alex", e2e.storage_body())
    for_sam = raise_requisition(running_app, "alex", e2e.subscription_body("450.00"))
    issued = raise_requisition(running_app, "alex", e2e.subscription_body("460.00"))
    to_priya = await running_app.mail.wait_for("approval_requested", pending)
    to_sam = await running_app.mail.wait_for("approval_requested", for_sam)
    wait_for(running_app, issued, lambda po: po["current_approvers"] == ["sam"])
    async with httpx.AsyncClient(base_url=running_app.url) as api:
        approved = await api.post(
            f"/api/purchase-orders/{issued}/decisions",
            json={"action": "approve"},
            headers={"Authorization": f"Bearer {running_app.tokens['sam']}"},
        )
    assert approved.status_code == 200, approved.text
    wait_for(running_app, issued, lambda po: po["status"] == "issued")
    yield {
        "pending": pending,
        "issued": issued,
        "reject_link": full_links_in(to_priya)["Reject"],
        "approve_link": full_links_in(to_sam)["Approve"],
        "simulators": simulators,
    }


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("name", list(PAGES))
async def test_the_page_has_no_serious_accessibility_violation(
    name: str, screen: str, running_app: RunningApp, browser: Browser, scene: Scene
) -> None:
    shown, viewport = PAGES[name], SCREENS[screen]
    if shown.user is None:
        page = await (await browser.new_context(viewport=viewport)).new_page()
    else:
        page = await sign_in(browser, running_app, shown.user, viewport=viewport)
    path = shown.path.format(**scene)
    await page.goto(path if path.startswith("http") else f"{running_app.url}{path}")
    if shown.then is not None:
        await shown.then(page)
    await assert_accessible(page)
    await page.context.close()


async def test_the_check_names_each_violation_and_where_it_is(browser: Browser) -> None:
    page = await (await browser.new_context()).new_page()
    await page.set_content(
        '<html lang="en"><title>t</title><main><img src="x.png" id="chart">'
        '<input id="amount"></main></html>'
    )
    with pytest.raises(AssertionError) as failed:
        await assert_accessible(page)
    assert "image-alt (critical)" in str(failed.value)
    assert "#chart" in str(failed.value)
    assert "label (critical)" in str(failed.value)
    await page.context.close()
