"""The real app for upload tests: on the test's rolled-back transaction, with its upload store in
a folder of the test's own, a request size limit far below a real cost file's size, and a task
queue no worker polls, so a load it starts stays running."""

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

SMALLEST_BODY_LIMIT = 65_536


@dataclass(frozen=True)
class Uploads:
    client: TestClient
    store: Path
    finance: dict[str, str]
    requester: dict[str, str]

    def source(self, fmt: str = "aws-cur", **changes: Any) -> str:
        name = f"src-{uuid.uuid4().hex[:8]}"
        body = {"name": name, "format": fmt, "provider": "AWS", "base_currency": "USD", **changes}
        created = self.client.post("/api/costs/sources", json=body, headers=self.finance)
        assert created.status_code == 201, created.text
        return name


@pytest.fixture
def uploads(
    database_url: str, session: Session, temporal_env: WorkflowEnvironment, tmp_path: Path
) -> Iterator[Uploads]:
    tag = uuid.uuid4().hex[:6]
    tokens = {}
    for name, role in (("finance", Role.FINANCE), ("requester", Role.REQUESTER)):
        user = upsert_user(session, f"{name}-{tag}", roles=[role])
        tokens[name] = {"Authorization": f"Bearer {issue_api_token(session, user)}"}
    session.flush()
    settings = Settings(
        _env_file=None,
        environment="test",
        temporal_address=temporal_env.client.service_client.config.target_host,
        temporal_task_queue=f"no-worker-{tag}",
        cost_upload_dir=tmp_path / "uploads",
        max_request_bytes=SMALLEST_BODY_LIMIT,
    )
    app = create_app(settings, database_url)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        yield Uploads(client, tmp_path / "uploads", tokens["finance"], tokens["requester"])


def kept_files(store: Path) -> list[Path]:
    """Every file in the upload store (the incoming folder included)."""
    return sorted(p for p in store.rglob("*") if p.is_file()) if store.exists() else []
