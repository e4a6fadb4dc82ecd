"""Bad configuration ends in one clear line saying what is wrong and how to fix it."""

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.tcp_ports import free_port
from tests.builders.processes import clean_environment, run_cli


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    return clean_environment(POFLOW_DATA_DIR=str(tmp_path / "data"))


def poflow(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(args, env, cwd)


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_unreachable_database_url(clean_env: dict[str, str], tmp_path: Path) -> None:
    clean_env["DATABASE_URL"] = f"postgresql://poflow:secret@127.0.0.1:{free_port()}/poflow"
    line = _one_line(poflow(["migrate"], clean_env, tmp_path))
    assert line.startswith("poflow: cannot reach Postgres at postgresql://poflow:***@127.0.0.1")
    assert "DATABASE_URL" in line and "secret" not in line


def test_temporal_down(clean_env: dict[str, str], tmp_path: Path, database_url: str) -> None:
    clean_env["DATABASE_URL"] = database_url
    clean_env["POFLOW_TEMPORAL_ADDRESS"] = f"127.0.0.1:{free_port()}"
    line = _one_line(poflow(["worker"], clean_env, tmp_path))
    assert line.startswith("poflow: cannot reach Temporal at 127.0.0.1:")
    assert "poflow up" in line and "POFLOW_TEMPORAL_ADDRESS" in line


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def test_web_app_port_taken(clean_env: dict[str, str], tmp_path: Path, taken_port: int) -> None:
    clean_env["POFLOW_API_PORT"] = str(taken_port)
    for command in (["api"], ["up"]):
        line = _one_line(poflow(command, clean_env, tmp_path))
        assert f"port {taken_port} (web app)" in line and "POFLOW_API_PORT" in line


def test_temporal_port_taken_by_something_else(
    clean_env: dict[str, str], tmp_path: Path, taken_port: int, postgres_admin_url: str
) -> None:
    clean_env["DATABASE_URL"] = postgres_admin_url
    clean_env["POFLOW_API_PORT"] = str(free_port())
    clean_env["POFLOW_TEMPORAL_ADDRESS"] = f"127.0.0.1:{taken_port}"
    line = _one_line(poflow(["up"], clean_env, tmp_path))
    assert f"port {taken_port} (Temporal)" in line and "not a Temporal server" in line


def test_production_with_the_default_secret(clean_env: dict[str, str], tmp_path: Path) -> None:
    clean_env["POFLOW_ENVIRONMENT"] = "production"
    line = _one_line(poflow(["migrate"], clean_env, tmp_path))
    assert line.startswith("poflow: invalid configuration:") and "POFLOW_SECRET_KEY" in line


def test_an_invalid_setting_names_its_variable(clean_env: dict[str, str], tmp_path: Path) -> None:
    clean_env["POFLOW_FISCAL_YEAR_START_MONTH"] = "13"
    line = _one_line(poflow(["seed"], clean_env, tmp_path))
    assert "POFLOW_FISCAL_YEAR_START_MONTH" in line
