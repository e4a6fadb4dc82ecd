"""Hostile input answers 4xx in the one error shape and stores nothing: integers past what their
columns hold, control characters in the path or query, bodies above the size limit. The app is
served by uvicorn, so each answer is checked on a real kept-alive connection: the next request
on it is answered too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from models.purchase_orders.records import PO_NUMBER_SEQUENCE, PurchaseOrder
from tests.api.e2e import storage_body
from tests.api.served import ServedApp, served_app

BEYOND_INT = 2**31
BEYOND_BIGINT = 2**63
MEGABYTE = 1024 * 1024


@pytest.fixture(scope="module")
def app(demo_database_url: str, temporal_env: WorkflowEnvironment) -> Iterator[ServedApp]:
    with served_app(
        demo_database_url, temporal_env.client.service_client.config.target_host
    ) as app:
        yield app


@pytest.fixture
def http(app: ServedApp) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=app.url, timeout=30) as client:
        yield client


# (user, method, path, JSON body): each once answered 500 and dropped the connection.
HOSTILE: list[tuple[str, str, str, Any]] = [
    ("paul", "DELETE", f"/api/delegations/{BEYOND_BIGINT}", None),
    ("ines", "GET", f"/api/policies/it-purchasing/versions/{BEYOND_INT}", None),
    ("felix", "GET", f"/api/budgets?fiscal_year={BEYOND_INT}", None),
    ("felix", "GET", f"/api/budgets/IT-INFRA/6100/{BEYOND_INT}/history", None),
    ("felix", "POST", "/api/budgets/carry-forward", {"fiscal_year": BEYOND_INT}),
    ("ines", "GET", f"/api/purchase-orders?offset={BEYOND_BIGINT}", None),
    ("ines", "GET", "/api/purchase-orders/PO-1%00", None),
    ("ines", "GET", "/api/purchase-orders/PO-1%00/audit", None),
    ("priya", "POST", "/api/purchase-orders/PO-1%00/decisions", {"action": "approve"}),
    ("ines", "GET", "/api/purchase-orders?cost_center=%00", None),
    ("ines", "GET", "/api/reports/burn-down/purchase-orders/%00", None),
]


@pytest.mark.parametrize(("user", "method", "path", "body"), HOSTILE)
def test_hostile_input_is_refused_and_the_connection_stays_usable(
    app: ServedApp, http: httpx.Client, user: str, method: str, path: str, body: Any
) -> None:
    refused = http.request(method, path, json=body, headers=app.auth(user))
    assert refused.status_code in (400, 422), refused.text
    problem = refused.json()
    assert isinstance(problem["detail"], str) and problem["rule"], problem
    assert http.get("/api/me", headers=app.auth(user)).status_code == 200


def test_a_body_above_the_limit_is_refused_before_a_po_number_is_used(
    app: ServedApp, http: httpx.Client, demo_sessions: sessionmaker[Session]
) -> None:
    numbered, stored = _numbering(demo_sessions)
    huge = storage_body(title="x" * (6 * MEGABYTE + MEGABYTE // 2))
    declared = http.post("/api/requisitions", json=huge, headers=app.auth("alex"))
    assert declared.status_code == 413, declared.text
    assert declared.json()["rule"] == "body_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while reading
        yield b'{"title": "'
        for _ in range(2):
            yield b"x" * MEGABYTE
        yield b'"}'

    streamed = http.post(
        "/api/requisitions",
        content=chunks(),
        headers={**app.auth("alex"), "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413, streamed.text
    assert streamed.json()["rule"] == "body_too_large"
    assert _numbering(demo_sessions) == (numbered, stored)


def test_a_refusal_does_not_echo_a_long_input_back(app: ServedApp, http: httpx.Client) -> None:
    refused = http.post(
        "/api/requisitions", json=storage_body(title="x" * 500_000), headers=app.auth("alex")
    )
    assert refused.status_code == 422
    assert len(refused.content) < 4_000
    problem = refused.json()
    assert problem["rule"] == "invalid_request"
    assert [error["field"] for error in problem["errors"]] == ["title"]


def _numbering(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """The PO number sequence's last value, and how many POs are stored."""
    with sessions() as session:
        last = session.scalar(text(f"SELECT last_value FROM {PO_NUMBER_SEQUENCE.name}"))
        count = len(session.scalars(select(PurchaseOrder.po_number)).all())
    return int(last or 0), count
