"""The real app for the cost-source API tests: on the test's rolled-back transaction (with the
report ledger's organisation for cost centers and GL accounts, a finance user and a requester),
connected to the real Temporal server on a task queue no worker polls (so a load it starts stays
running, and the schedules it writes are real), its upload store in a folder of the test's own,
and a request size limit far below a real cost file's size."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.deps import get_session
from domain.catalog import Role
from models.people.accounts import issue_api_token, upsert_user
from settings import Settings
from tests.models.report_ledger import Org, build

SMALLEST_BODY_LIMIT = 65_536


@dataclass(frozen=True)
class CostsApi:
    client: TestClient
    org: Org
    store: Path
    tokens: dict[str, str]  # username -> API token
    finance: str
    requester: str

    def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def source(self, fmt: str = "aws-cur", **changes: Any) -> str:
        """A new source of ``fmt``, configured by the finance user; its name."""
        name = f"src-{uuid.uuid4().hex[:8]}"
        body = {"name": name, "format": fmt, "provider": "AWS", "base_currency": "USD", **changes}
        created = self.client.post("/api/costs/sources", json=body, headers=self.auth(self.finance))
        assert created.status_code == 201, created.text
        return name


@pytest.fixture
def costs_api(
    database_url: str, session: Session, temporal_env: WorkflowEnvironment, tmp_path: Path
) -> Iterator[CostsApi]:
    org = build(session)
    tokens = {}
    for kind, role in (("finance", Role.FINANCE), ("requester", Role.REQUESTER)):
        user = upsert_user(session, f"{kind}-{org.tag.lower()}", roles=[role])
        tokens[user.username] = issue_api_token(session, user, label="costs test")
    session.flush()
    settings = Settings(
        _env_file=None,
        environment="test",
        temporal_address=temporal_env.client.service_client.config.target_host,
        temporal_task_queue=f"no-worker-{org.tag.lower()}",
        cost_upload_dir=tmp_path / "uploads",
        max_request_bytes=SMALLEST_BODY_LIMIT,
    )
    app = create_app(settings, database_url)
    app.dependency_overrides[get_session] = lambda: session
    finance, requester = f"finance-{org.tag.lower()}", f"requester-{org.tag.lower()}"
    with TestClient(app) as client:
        yield CostsApi(client, org, tmp_path / "uploads", tokens, finance, requester)


def kept_files(store: Path) -> list[Path]:
    """Every file in the upload store (the incoming folder included)."""
    return sorted(p for p in store.rglob("*") if p.is_file()) if store.exists() else []
