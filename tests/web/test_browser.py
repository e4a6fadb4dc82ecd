"""In a real browser (Debian's chromium driven by Playwright): an approver signs in, opens the
PO from the inbox and approves it; the requester sees it issued; the decision form is offered
only to whom the tier waits on, on behalf of a delegator too. Screenshots of the inbox and the
PO page are saved under test-artifacts/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect
from temporalio.testing import WorkflowEnvironment

from devstack.tcp_ports import free_port
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
    logs = tmp_path_factory.mktemp("browser-app")
    env = {k: v for k, v in os.environ.items() if k not in environment_names()}
    env.update(
        POFLOW_DATA_DIR=str(logs),  # audit checkpoints of this run's database stay with it
        DATABASE_URL=demo_database_url,
        POFLOW_TEMPORAL_ADDRESS=temporal_env.client.service_client.config.target_host,
        POFLOW_TEMPORAL_TASK_QUEUE=f"browser-{uuid.uuid4().hex[:8]}",
        POFLOW_API_PORT=str(port),
        POFLOW_PUBLIC_URL=f"http://127.0.0.1:{port}",
        POFLOW_SMTP_HOST="127.0.0.1",
        POFLOW_SMTP_PORT=str(mail[1]),
    )
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


async def sign_in(browser: Browser, app: RunningApp, username: str, **context: Any) -> Page:
    """A page signed in as ``username`` in a browser context of its own (``context``: its
    options, such as ``java_script_enabled=False``)."""
    page = await (await browser.new_context(**context)).new_page()
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
        await page.get_by_role("button", name="Approve", exact=True).click()
        await expect(page.get_by_role("status")).to_contain_text(f"Approved: {number}")

    _wait_for(running_app, number, lambda po: po["status"] == "issued")
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
    number = _raise(running_app, "sam", body)  # priya, then tom (IT leadership)
    _wait_for(running_app, number, lambda po: po["current_approvers"] == ["priya"])
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
    _wait_for(running_app, number, lambda po: po["current_approvers"] == ["tom"])
    await pages["tom"].reload()
    await expect(pages["tom"].get_by_role("button", name="Approve", exact=True)).to_be_visible()


async def test_a_delegate_decides_on_behalf_of_the_delegator_in_the_browser(
    running_app: RunningApp, browser: Browser
) -> None:
    number = _raise(running_app, "alex", e2e.storage_body(terabytes=4))
    _wait_for(running_app, number, lambda po: po["current_approvers"] == ["priya"])
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
    issued = _wait_for(running_app, number, lambda po: po["status"] == "issued")
    decisions = [(d["actor"], d["on_behalf_of"]) for d in issued["detail"]["decisions"]]
    assert decisions == [("nora", "priya")]


async def test_a_rejection_sent_again_after_its_refusal_is_recorded_as_a_rejection(
    running_app: RunningApp, browser: Browser
) -> None:
    number = _raise(running_app, "alex", e2e.storage_body())
    _wait_for(running_app, number, lambda po: po["status"] == "pending_approval")
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
