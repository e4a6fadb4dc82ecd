"""In a real browser (Debian's chromium driven by Playwright): an approver signs in, opens the
PO from the inbox and approves it; the requester sees it issued; a self-approval attempt shows
the refusal. Screenshots of the inbox and the PO page are saved under test-artifacts/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect
from temporalio.testing import WorkflowEnvironment

from devstack.ports import free_port
from settings import environment_names
from tests.api import e2e
from tests.web import smtp_catcher
from tests.web.smtp_catcher import MailInbox, full_links_in

pytestmark = pytest.mark.slow
mail = smtp_catcher.mail

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# As root, in a closed network: no sandbox, no background connections to Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class RunningApp:
    url: str
    tokens: dict[str, str]
    mail: MailInbox


@pytest.fixture(scope="module")
def running_app(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
    mail: tuple[MailInbox, int],
) -> Iterator[RunningApp]:
    """`poflow api` and `poflow worker` as their own processes, on a free port, mailing to a
    loopback SMTP server."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in environment_names()}
    env.update(
        DATABASE_URL=demo_database_url,
        POFLOW_TEMPORAL_ADDRESS=temporal_env.client.service_client.config.target_host,
        POFLOW_TEMPORAL_TASK_QUEUE=f"browser-{uuid.uuid4().hex[:8]}",
        POFLOW_API_PORT=str(port),
        POFLOW_PUBLIC_URL=f"http://127.0.0.1:{port}",
        POFLOW_SMTP_HOST="127.0.0.1",
        POFLOW_SMTP_PORT=str(mail[1]),
    )
    logs = tmp_path_factory.mktemp("browser-app")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "cli", piece],
            env=env,
            stdout=(logs / f"{piece}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for piece in ("worker", "api")
    ]
    url = f"http://127.0.0.1:{port}"
    _wait_ready(url)
    yield RunningApp(url, e2e.tokens_for_demo_users(demo_database_url), mail[0])
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    return CHROMIUM


@pytest.fixture(scope="module")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


async def sign_in(browser: Browser, app: RunningApp, username: str) -> Page:
    page = await (await browser.new_context()).new_page()
    await page.goto(f"{app.url}/inbox")
    await expect(page).to_have_url(f"{app.url}/login?next=/inbox")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill("demo")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Waiting on you")).to_be_visible()
    return page


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
        _wait_for(running_app, number, lambda po, who=approver: who in po["current_approvers"])
        page = await sign_in(browser, running_app, approver)
        if approver == "sam":
            await page.screenshot(path=str(ARTIFACTS / "inbox.png"), full_page=True)
        await page.get_by_role("link", name=number).click()
        await expect(page.get_by_role("heading", name="Approval chain")).to_be_visible()
        if approver == "tom":
            await page.screenshot(path=str(ARTIFACTS / "po-page.png"), full_page=True)
        await page.get_by_label("Approve").check()
        await page.get_by_role("button", name="Send decision").click()
        await expect(page.get_by_role("status")).to_contain_text(f"Approved: {number}")

    _wait_for(running_app, number, lambda po: po["status"] == "issued")
    await alex.get_by_role("link", name="My requests").click()
    await expect(alex.get_by_role("heading", name=re.compile(number))).to_be_visible()
    await alex.goto(f"{running_app.url}/po/{number}")
    await expect(alex.locator(".po-head .badge").first).to_have_text("issued")


async def test_a_self_approval_in_the_browser_shows_the_refusal(
    running_app: RunningApp, browser: Browser
) -> None:
    body = e2e.subscription_body("700.00", cost_center="IT-INFRA", gl_account="6100")
    number = _raise(running_app, "sam", body)
    _wait_for(running_app, number, lambda po: po["status"] == "pending_approval")
    sam = await sign_in(browser, running_app, "sam")
    await sam.goto(f"{running_app.url}/po/{number}")
    await sam.get_by_label("Approve").check()
    await sam.get_by_role("button", name="Send decision").click()
    await expect(sam.get_by_role("alert")).to_contain_text("sam requested this purchase order")


async def test_a_rejection_sent_again_after_its_refusal_is_recorded_as_a_rejection(
    running_app: RunningApp, browser: Browser
) -> None:
    number = _raise(running_app, "alex", e2e.storage_body())
    _wait_for(running_app, number, lambda po: po["status"] == "pending_approval")
    priya = await sign_in(browser, running_app, "priya")
    await priya.goto(f"{running_app.url}/po/{number}")
    await priya.get_by_label("Reject").check()
    await priya.get_by_role("button", name="Send decision").click()
    await expect(priya.get_by_role("alert")).to_contain_text("comment")
    await expect(priya.get_by_label("Reject")).to_be_checked()  # the choice is kept
    await priya.get_by_label("Comment", exact=True).fill("Use the shared bucket instead")
    await priya.get_by_role("button", name="Send decision").click()
    await expect(priya.get_by_role("status")).to_contain_text(f"Rejected: {number}")
    decided = _wait_for(running_app, number, lambda po: po["status"] in ("rejected", "issued"))
    assert decided["status"] == "rejected"
    assert [d["action"] for d in decided["detail"]["decisions"]] == ["reject"]


def _raise(app: RunningApp, user: str, body: e2e.Json) -> str:
    response = httpx.post(
        f"{app.url}/api/requisitions",
        json=body,
        headers={"Authorization": f"Bearer {app.tokens[user]}"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["po_number"])


def _wait_for(app: RunningApp, number: str, ready: object, seconds: float = 30) -> e2e.Json:
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {app.tokens['ines']}"}
    while time.monotonic() < deadline:
        response = httpx.get(f"{app.url}/api/purchase-orders/{number}", headers=headers)
        if response.status_code == 200 and ready(response.json()):  # type: ignore[operator]
            return dict(response.json())
        time.sleep(0.3)
    raise AssertionError(f"{number} did not get there in {seconds}s")


def _wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never became ready")


async def test_a_signed_link_from_a_mail_asks_to_confirm_then_decides(
    running_app: RunningApp, browser: Browser
) -> None:
    number = _raise(running_app, "alex", e2e.subscription_body("450.00"))
    message = await running_app.mail.wait_for("approval_requested", number)
    approve = full_links_in(message)["Approve"]
    page = await (await browser.new_context()).new_page()  # a mail client: no poflow session
    await page.goto(approve)
    confirm = page.get_by_role("button", name=f"Approve {number}")
    await expect(confirm).to_be_visible()
    waiting = _wait_for(running_app, number, lambda po: po["status"] == "pending_approval")
    assert waiting["current_approvers"] == ["sam"]  # opening the link decided nothing
    await confirm.click()
    await expect(page.get_by_text(re.compile("approved", re.IGNORECASE)).first).to_be_visible()
    _wait_for(running_app, number, lambda po: po["status"] == "issued")
    await page.goto(approve)
    await expect(page.get_by_text(re.compile("already used", re.IGNORECASE)).first).to_be_visible()
