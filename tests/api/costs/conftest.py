"""Fixtures of the cost exploration API tests: the real AWS CUR sample (usage and tax lines) and
the Azure EA sample (subscriptions, tags) loaded once per module into sources of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import get_session
from settings import Settings
from tests.api.costs.explore_client import Explorer, load_sample
from tests.builders.cost_files import AWS_CUR_SAMPLE, AZURE_EA_SAMPLE


@pytest.fixture(scope="module")
def aws_source(engine: Engine) -> str:
    return load_sample(engine, AWS_CUR_SAMPLE)


@pytest.fixture(scope="module")
def azure_source(engine: Engine) -> str:
    return load_sample(engine, AZURE_EA_SAMPLE, tag_policy_keys=["tag_a"])


@pytest.fixture
def explorer(database_url: str, session: Session) -> Iterator[Explorer]:
    settings = Settings(_env_file=None, environment="test", base_currency="EUR")
    app = create_app(settings, database_url)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        yield Explorer(client, session, {})
