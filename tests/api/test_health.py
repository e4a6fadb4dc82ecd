"""Liveness, readiness with the failing dependency named, and the API reference."""

from fastapi.testclient import TestClient

from api.app import create_app
from devstack.tcp_ports import free_port
from tests.api.conftest import app_settings


def test_healthz_answers_while_the_process_is_up(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_is_200_when_postgres_and_temporal_answer(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"postgres": "ok", "temporal": "ok"}}


def test_readyz_names_temporal_when_it_is_down(database_url: str) -> None:
    app = create_app(app_settings(f"127.0.0.1:{free_port()}"), database_url)
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["postgres"] == "ok"
    assert checks["temporal"].startswith("unreachable")


def test_readyz_names_postgres_when_it_is_down(client: TestClient) -> None:
    temporal = client.app.state.runtime.settings.temporal_address  # type: ignore[attr-defined]
    nowhere = f"postgresql://poflow@127.0.0.1:{free_port()}/poflow"
    app = create_app(app_settings(temporal), nowhere)
    with TestClient(app) as down_client:
        response = down_client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["postgres"].startswith("unreachable")
    assert checks["temporal"] == "ok"


def test_the_openapi_reference_is_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/healthz", "/readyz", "/api/me"} <= set(paths)


def test_pages_send_strangers_to_the_login_page(client: TestClient) -> None:
    page = client.get("/inbox", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/inbox"
    login = client.get("/login")
    assert login.status_code == 200
    assert 'lang="en"' in login.text and 'name="csrf_token"' in login.text
    assert client.get("/static/poflow.css").status_code == 200
