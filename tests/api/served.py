"""The real app served by uvicorn on loopback, for tests that need real HTTP: kept-alive
connections, or a client (schemathesis) that speaks to a URL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from api.app import create_app
from devstack.serving import loopback_socket, served, url_of
from settings import Settings
from tests.api.e2e import tokens_for_demo_users


@dataclass(frozen=True)
class ServedApp:
    url: str
    tokens: dict[str, str]

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


@contextmanager
def served_app(database_url: str, temporal_address: str, **settings: Any) -> Iterator[ServedApp]:
    """The app over ``database_url`` (demo users, each with a fresh token), on a task queue of
    its own with no worker, so what it starts waits harmlessly."""
    app_settings = Settings(
        _env_file=None,
        environment="test",
        temporal_address=temporal_address,
        temporal_task_queue=f"served-{uuid.uuid4().hex[:8]}",
        **settings,
    )
    sock = loopback_socket()
    with served(create_app(app_settings, database_url), sock):
        yield ServedApp(url_of(sock), tokens_for_demo_users(database_url))
