"""The whole stack for end-to-end API tests: the real app (no dependency overrides, so it reads
what is committed), a real worker on a task queue of its own, the Temporal dev server and the
demo organisation in Postgres. Test modules take the fixture with ``stack = e2e.stack`` (or
``stack = e2e.mailing_stack`` for notifications mailed to the ``mail`` fixture's SMTP server);
everything runs on the session's event loop."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from cli.demo_data import USERS
from devstack.simulators.smtp import MailInbox
from models.db import build_engine, session_factory, unit_of_work
from models.people.accounts import find_user, issue_api_token
from settings import Settings
from worker import build_worker

__all__ = [
    "Json",
    "Stack",
    "issued",
    "issued_storage",
    "mailing_stack",
    "serve_stack",
    "stack",
    "storage_body",
    "subscription_body",
]

Json = dict[str, Any]


@dataclass
class Stack:
    http: httpx.AsyncClient
    temporal: Client
    sessions: sessionmaker[Session]
    tokens: dict[str, str]

    def auth(self, user: str, **headers: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}", **headers}

    async def get(self, user: str, path: str, **params: Any) -> httpx.Response:
        return await self.http.get(path, headers=self.auth(user), params=params)

    async def post(
        self, user: str, path: str, body: Json, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.http.post(path, json=body, headers=self.auth(user, **(headers or {})))

    async def delete(self, user: str, path: str) -> httpx.Response:
        return await self.http.delete(path, headers=self.auth(user))

    async def submit(self, user: str, body: Json) -> str:
        """Raise a requisition that must be accepted; its PO number."""
        response = await self.post(user, "/api/requisitions", body)
        assert response.status_code == 201, response.text
        number: str = response.json()["po_number"]
        return number

    async def po_when(
        self, number: str, ready: Callable[[Json], bool], user: str = "ines", seconds: float = 30
    ) -> Json:
        """GET the PO (as the auditor by default) until ``ready`` holds; fail after ``seconds``."""
        last: Json = {}
        for _ in range(int(seconds * 5)):
            response = await self.get(user, f"/api/purchase-orders/{number}")
            if response.status_code == 200:
                last = response.json()
                if ready(last):
                    return last
            await asyncio.sleep(0.2)
        raise AssertionError(f"{number} never reached the expected state; last: {last}")

    async def pending(self, number: str) -> Json:
        return await self.po_when(number, lambda po: po["status"] == "pending_approval")


@pytest.fixture(scope="module")
async def stack(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
) -> AsyncIterator[Stack]:
    async with serve_stack(demo_database_url, temporal_env, demo_sessions) as stack:
        yield stack


@pytest.fixture(scope="module")
async def mailing_stack(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    mail: tuple[MailInbox, int],
) -> AsyncIterator[Stack]:
    """``stack`` with notifications e-mailed to the loopback SMTP server of ``mail``."""
    mailing = {"smtp_host": "127.0.0.1", "smtp_port": mail[1]}
    async with serve_stack(demo_database_url, temporal_env, demo_sessions, **mailing) as stack:
        yield stack


@asynccontextmanager
async def serve_stack(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    **settings_values: Any,
) -> AsyncIterator[Stack]:
    """The stack, with ``settings_values`` for the app's and the worker's settings."""
    settings = Settings(
        _env_file=None,
        environment="test",
        temporal_address=temporal_env.client.service_client.config.target_host,
        temporal_task_queue=f"api-e2e-{uuid.uuid4().hex[:8]}",
        **settings_values,
    )
    app = create_app(settings, demo_database_url)
    worker = build_worker(temporal_env.client, settings, demo_sessions)
    transport = httpx.ASGITransport(app=app)
    async with (
        worker,
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://poflow.test") as http,
    ):
        yield Stack(http, temporal_env.client, demo_sessions, _tokens(demo_sessions))


@asynccontextmanager
async def serve_app_alone(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    settings: Settings,
) -> AsyncIterator[Stack]:
    """The app alone on ``settings``' task queue, which no worker polls (yet): a PO stays as it
    was submitted."""
    app = create_app(settings, demo_database_url)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://poflow.test") as http,
    ):
        tokens = tokens_for_demo_users(demo_database_url)
        yield Stack(http, temporal_env.client, demo_sessions, tokens)


def tokens_for_demo_users(database_url: str) -> dict[str, str]:
    """Committed API tokens for every demo user of the database at ``database_url``."""
    engine = build_engine(database_url, pool_size=1)
    try:
        return _tokens(session_factory(engine))
    finally:
        engine.dispose()


def _tokens(sessions: sessionmaker[Session]) -> dict[str, str]:
    """A committed API token for every demo user."""
    tokens: dict[str, str] = {}
    with unit_of_work(sessions) as session:
        for person in USERS:
            user = find_user(session, person.username)
            assert user is not None
            tokens[person.username] = issue_api_token(session, user, label="api e2e")
    return tokens


def storage_body(terabytes: int = 1, **changes: Any) -> Json:
    """Object storage under Northwind's MSA at its catalog price (21.00 EUR a TB-month) for
    IT-INFRA: a small PO routed to the cost-center owner, priya, alone."""
    start = date.today() + timedelta(days=5)
    body: Json = {
        "title": "Object storage for build caches",
        "cost_center": "IT-INFRA",
        "vendor": "Northwind Cloud Services",
        "service_type": "cloud_infrastructure",
        "currency": "EUR",
        "contract": "MSA-NW-01",
        "lines": [
            {
                "description": "Object storage, per TB-month",
                "quantity": terabytes,
                "unit_price": "21.00",
                "service_start": start.isoformat(),
                "service_end": (start + timedelta(days=30)).isoformat(),
                "catalog_sku": "NW-OBJ-TB",
            }
        ],
        "business_case_ref": "BC-2026-301",
    }
    return body | changes


async def issued_storage(stack: Stack, terabytes: int) -> str:
    """Object storage (``storage_body``) raised by alex and approved until issued."""
    return await issued(stack, storage_body(terabytes))


async def issued(stack: Stack, body: Json) -> str:
    """A requisition raised by alex and approved, tier by tier, until issued."""
    number = await stack.submit("alex", body)
    await stack.pending(number)
    for _ in range(5):  # the owner's tier, then finance's when earlier tests spent the line
        po = await stack.po_when(number, _decided_or_waiting)
        if po["status"] == "issued":
            return number
        approver = next(p for p in po["current_approvers"] if p != "felix")
        decision = {"action": "approve", "comment": "needed"}
        response = await stack.post(approver, f"/api/purchase-orders/{number}/decisions", decision)
        assert response.status_code == 200, response.text
        await stack.po_when(number, _moved_on_from(po["current_approvers"]))
    raise AssertionError(f"{number} was not issued")


def _moved_on_from(approvers: list[str]) -> Callable[[Json], bool]:
    return lambda po: po["current_approvers"] != approvers


def _decided_or_waiting(po: Json) -> bool:
    return po["status"] == "issued" or bool(po["current_approvers"])


def subscription_body(unit_price: str = "100.00", *, pii: bool = False, **changes: Any) -> Json:
    """A small SaaS subscription under Contoso's MSA for IT-APPS (owned by sam)."""
    start = date.today() + timedelta(days=7)
    body: Json = {
        "title": "Diagram tool seats",
        "cost_center": "IT-APPS",
        "vendor": "Contoso Software",
        "service_type": "saas_subscription",
        "currency": "EUR",
        "contract": "MSA-CS-01",
        "gl_account": "6110",
        "lines": [
            {
                "description": "Diagram tool, 1 year",
                "quantity": 1,
                "unit_price": unit_price,
                "service_start": start.isoformat(),
                "service_end": (start + timedelta(days=180)).isoformat(),
            }
        ],
        "risk_flags": ["handles_pii"] if pii else [],
        "business_case_ref": "BC-2026-302",
    }
    return body | changes
