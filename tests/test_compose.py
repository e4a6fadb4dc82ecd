"""docker-compose.yml wires poflow, Postgres and Temporal together consistently.

No Docker engine is needed: the file is read with ``yaml.safe_load`` (which resolves the
``x-poflow-env`` anchor and the ``<<:`` merge keys) and compose's ``${...}`` interpolation is
reproduced for the forms the file uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from settings import Settings, environment_names

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
POFLOW_SERVICES = ("migrate", "api", "worker")
SECRET = "s" * 40

_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?error}``, as `up` resolves them."""

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        given = env.get(name)
        missing = given is None or (given == "" and op is not None and op.startswith(":"))
        if op is not None and op.endswith("?") and missing:
            raise ValueError(f"required variable {name} is missing: {arg}")
        if op is not None and op.endswith("-") and missing:
            return str(arg)
        return given or ""

    return _VARIABLE.sub(replace, value)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found


def service_env(services: dict[str, Any], name: str) -> dict[str, str]:
    environment = services[name]["environment"]
    assert isinstance(environment, dict), f"{name}: environment should be a mapping"
    return {str(key): str(value) for key, value in environment.items()}


def resolved_env(services: dict[str, Any], name: str) -> dict[str, str]:
    """A service's environment as compose would hand it over with a secret key exported."""
    shell = {"POFLOW_SECRET_KEY": SECRET}
    return {key: interpolate(value, shell) for key, value in service_env(services, name).items()}


def published_ports(service: dict[str, Any]) -> set[int]:
    ports: set[int] = set()
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ports.add(int(entry["published"]))
        else:
            # "host:container" or "ip:host:container", optionally with "/protocol".
            parts = str(entry).split("/")[0].split(":")
            ports.add(int(parts[-2] if len(parts) > 1 else parts[-1]))
    return ports


def test_expected_services_exist(services: dict[str, Any]) -> None:
    assert {"postgres", "temporal", "temporal-ui", "migrate", "api", "worker"} <= set(services)


def test_postgres_temporal_and_api_have_healthchecks(services: dict[str, Any]) -> None:
    for name in ("postgres", "temporal", "api"):
        healthcheck = services[name].get("healthcheck")
        assert healthcheck, f"{name} has no healthcheck"
        assert not healthcheck.get("disable", False), f"{name} disables its healthcheck"
        assert healthcheck["test"], f"{name} healthcheck has no test"
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(services["api"]["healthcheck"]["test"])


def test_published_ports(services: dict[str, Any]) -> None:
    assert published_ports(services["postgres"]) == {5432}
    assert published_ports(services["temporal"]) == {7233}
    assert published_ports(services["temporal-ui"]) == {8233}
    assert published_ports(services["api"]) == {8000}
    every = set().union(*(published_ports(service) for service in services.values()))
    assert every == {5432, 7233, 8233, 8000}


def test_temporal_waits_for_healthy_postgres_and_persists_there(
    services: dict[str, Any],
) -> None:
    temporal = services["temporal"]
    assert temporal["depends_on"]["postgres"]["condition"] == "service_healthy"
    env = service_env(services, "temporal")
    assert env["DB"] == "postgres12"
    assert env["POSTGRES_SEEDS"] == "postgres"
    assert env["DB_PORT"] == "5432"
    postgres_env = service_env(services, "postgres")
    assert env["POSTGRES_USER"] == postgres_env["POSTGRES_USER"]
    assert env["POSTGRES_PWD"] == postgres_env["POSTGRES_PASSWORD"]


def test_temporal_ui_points_at_temporal(services: dict[str, Any]) -> None:
    ui = services["temporal-ui"]
    assert service_env(services, "temporal-ui")["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert ui["depends_on"]["temporal"]["condition"] == "service_healthy"


def test_poflow_services_build_from_the_same_dockerfile(services: dict[str, Any]) -> None:
    builds: set[tuple[str, str]] = set()
    for name in POFLOW_SERVICES:
        build = services[name]["build"]
        if isinstance(build, str):
            build = {"context": build}
        builds.add((str(build["context"]), str(build.get("dockerfile", "Dockerfile"))))
    assert builds == {(".", "Dockerfile")}
    assert (ROOT / "Dockerfile").is_file()


OWNER_URL = "postgresql://poflow:poflow@postgres:5432/poflow"
APP_URL = "postgresql://poflow_app:poflow_app@postgres:5432/poflow"


def test_poflow_services_share_one_environment(services: dict[str, Any]) -> None:
    api = service_env(services, "api")
    assert service_env(services, "worker") == api
    assert service_env(services, "migrate") == {**api, "POFLOW_MIGRATION_DATABASE_URL": OWNER_URL}


def test_only_migrate_connects_as_the_owner(services: dict[str, Any]) -> None:
    """The app and worker connect as the app's role and never learn the owner's password."""
    postgres = service_env(services, "postgres")
    owner = f"postgresql://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}@"
    assert OWNER_URL.startswith(owner)
    for name in ("api", "worker"):
        env = service_env(services, name)
        assert env["DATABASE_URL"] == APP_URL
        assert not any(owner in value for value in env.values()), name


def test_worker_and_api_share_the_audit_checkpoint_volume(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    directory = service_env(services, "worker")["POFLOW_AUDIT_CHECKPOINT_DIR"]
    for name in ("api", "worker"):
        assert f"audit-checkpoints:{directory}" in services[name]["volumes"]
    assert "audit-checkpoints" in compose["volumes"]
    assert f"mkdir -p {directory}" in (ROOT / "Dockerfile").read_text()


def test_poflow_environment_uses_only_names_settings_read(services: dict[str, Any]) -> None:
    unknown = set(service_env(services, "api")) - environment_names()
    assert not unknown, f"names poflow never reads: {sorted(unknown)}"


def test_poflow_environment_sets_database_secret_and_temporal(services: dict[str, Any]) -> None:
    env = service_env(services, "api")
    assert env["DATABASE_URL"] == APP_URL
    assert env["POFLOW_TEMPORAL_ADDRESS"] == "temporal:7233"
    assert "POFLOW_SECRET_KEY" in env


def test_secret_key_is_required_from_the_shell(services: dict[str, Any]) -> None:
    secret = service_env(services, "api")["POFLOW_SECRET_KEY"]
    with pytest.raises(ValueError, match="POFLOW_SECRET_KEY"):
        interpolate(secret, {})
    with pytest.raises(ValueError, match="POFLOW_SECRET_KEY"):
        interpolate(secret, {"POFLOW_SECRET_KEY": ""})
    assert interpolate(secret, {"POFLOW_SECRET_KEY": SECRET}) == SECRET


def test_poflow_commands_are_cli_commands(services: dict[str, Any]) -> None:
    for name in POFLOW_SERVICES:
        assert services[name]["command"] == ["poflow", name]


def test_migrate_runs_once_before_api_and_worker(services: dict[str, Any]) -> None:
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("api", "worker"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"
        assert depends_on["temporal"]["condition"] == "service_healthy"


def test_worker_and_migrate_disable_the_images_http_healthcheck(
    services: dict[str, Any],
) -> None:
    for name in ("worker", "migrate"):
        assert services[name]["healthcheck"] == {"disable": True}


def _use_environment(monkeypatch: pytest.MonkeyPatch, env: Mapping[str, str]) -> None:
    for name in environment_names():
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_settings_from_api_environment_are_valid(
    services: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_environment(monkeypatch, resolved_env(services, "api"))

    settings = Settings(_env_file=None)

    assert settings.environment == "production"
    assert settings.temporal_address == "temporal:7233"
    assert settings.secret_key.get_secret_value() == SECRET
    assert settings.database_url == APP_URL
    assert settings.migration_database_url is None  # only migrate is given the owner
    assert settings.api_host == "0.0.0.0"  # noqa: S104 - inside the container, on purpose
    assert settings.api_port == 8000
    # Outside systems left unnamed stay off rather than pointing at an empty address.
    assert settings.erp_url is None and settings.erp_protocol == "rest"
    assert settings.servicenow_url is None and settings.jira_url is None
    assert settings.slack_webhook_url is None and settings.erp_webhook_secret is None


def test_settings_refuse_production_with_default_secret(
    services: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = resolved_env(services, "api")
    del env["POFLOW_SECRET_KEY"]
    _use_environment(monkeypatch, env)

    with pytest.raises(ValidationError, match="POFLOW_SECRET_KEY"):
        Settings(_env_file=None)


def test_migrate_connects_as_the_owner(
    services: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_environment(monkeypatch, resolved_env(services, "migrate"))
    settings = Settings(_env_file=None)
    assert settings.migration_database_url == OWNER_URL
    assert settings.database_url == APP_URL
