"""The real app (real Postgres, real Temporal) with each request's session joined to the test's
rolled-back transaction."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.deps import get_session
from settings import Settings


def app_settings(temporal_address: str) -> Settings:
    return Settings(_env_file=None, temporal_address=temporal_address, environment="test")


@pytest.fixture
def client(
    database_url: str, session: Session, temporal_env: WorkflowEnvironment
) -> Iterator[TestClient]:
    address = temporal_env.client.service_client.config.target_host
    app = create_app(app_settings(address), database_url)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as test_client:
        yield test_client
