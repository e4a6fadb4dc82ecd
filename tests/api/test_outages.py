"""With Postgres or Temporal really stopped, the app answers 503 with ``Retry-After`` and the
JSON error body (a page saying "try again" for people), and the kept-alive connection keeps
working; each test stops a server of its own."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from devstack.postgres import start_embedded
from devstack.serving import loopback_socket, served, url_of
from devstack.temporal import cli_binary
from settings import Settings
from temporal_client.converter import DATA_CONVERTER
from tests.api.e2e import storage_body
from tests.api.served import served_app
from tests.conftest import fresh_demo_database
from workflows import search_attributes


def _assert_unavailable(response: httpx.Response, server: str) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    problem = response.json()
    assert problem["rule"] == "unavailable" and server in problem["detail"], problem


def test_postgres_stopped_answers_503_to_the_api_and_a_try_again_page(
    tmp_path: Path, temporal_env: WorkflowEnvironment
) -> None:
    postgres = start_embedded(tmp_path / "pgdata")
    settings = Settings(
        _env_file=None,
        environment="test",
        temporal_address=temporal_env.client.service_client.config.target_host,
    )
    sock = loopback_socket()
    with (
        served(create_app(settings, postgres.url()), sock),
        httpx.Client(base_url=url_of(sock), timeout=60) as http,
    ):
        assert http.get("/readyz").status_code == 200
        login = http.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert csrf
        postgres.stop()
        for _ in range(2):  # the same kept-alive connection answers again
            _assert_unavailable(
                http.get("/api/me", headers={"Authorization": "Bearer pf_x"}), "Postgres"
            )
        page = http.post(
            "/login", data={"username": "alex", "password": "demo", "csrf_token": csrf.group(1)}
        )
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert "try again" in page.text.lower()


async def test_temporal_stopped_answers_503(postgres_admin_url: str) -> None:
    temporal = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(cli_binary()),
        dev_server_log_level="error",
        data_converter=DATA_CONVERTER,
        search_attributes=search_attributes.ALL,
    )
    database_url = fresh_demo_database(postgres_admin_url, "poflow_outage_test")
    address = temporal.client.service_client.config.target_host
    with served_app(database_url, address) as app:
        async with httpx.AsyncClient(base_url=app.url, timeout=60) as http:
            first = await http.post(
                "/api/requisitions", json=storage_body(), headers=app.auth("alex")
            )
            assert first.status_code == 201, first.text
            await temporal.shutdown()
            for terabytes in (2, 3):  # the same kept-alive connection answers again
                refused = await http.post(
                    "/api/requisitions",
                    json=storage_body(terabytes=terabytes),
                    headers=app.auth("alex"),
                )
                _assert_unavailable(refused, "Temporal")
