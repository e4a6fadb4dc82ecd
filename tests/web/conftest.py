"""Fixtures of the browser tests: the real app as its own processes (one for the session, shared
by the test modules, each of which builds its own POs) and Debian's chromium to drive it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright
from temporalio.testing import WorkflowEnvironment

from devstack.tcp_ports import free_port
from tests.api import e2e
from tests.builders.processes import clean_environment, start_poflow, wait_ready
from tests.conftest import smtp_server
from tests.web.browser_app import CHROMIUM, CHROMIUM_ARGS, RunningApp
from tests.web.smtp_catcher import MailInbox


@pytest.fixture(scope="session")
def app_mail() -> Iterator[tuple[MailInbox, int]]:
    """The SMTP server the browser tests' app mails to; a test finds its mails by PO number."""
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def running_app(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
    app_mail: tuple[MailInbox, int],
) -> Iterator[RunningApp]:
    """`poflow api` and `poflow worker` as their own processes, on a free port, mailing to a
    loopback SMTP server; started once, as starting them takes seconds."""
    port = free_port()
    logs = tmp_path_factory.mktemp("browser-app")
    env = clean_environment(
        POFLOW_DATA_DIR=str(logs),  # audit checkpoints of this run's database stay with it
        DATABASE_URL=demo_database_url,
        POFLOW_TEMPORAL_ADDRESS=temporal_env.client.service_client.config.target_host,
        POFLOW_TEMPORAL_TASK_QUEUE=f"browser-{uuid.uuid4().hex[:8]}",
        POFLOW_API_PORT=str(port),
        POFLOW_PUBLIC_URL=f"http://127.0.0.1:{port}",
        POFLOW_SMTP_HOST="127.0.0.1",
        POFLOW_SMTP_PORT=str(app_mail[1]),
    )
    processes = start_poflow(env, logs)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url)
    yield RunningApp(url, e2e.tokens_for_demo_users(demo_database_url), app_mail[0])
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
