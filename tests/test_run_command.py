"""`poflow up` (what `make run` calls) from nothing: every piece starts, answers, is reused by a
second run, and Ctrl-C stops exactly what was started while the data stays."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from devstack.ports import free_port, port_in_use
from devstack.temporal import cli_binary
from settings import environment_names
from workflows import search_attributes

pytestmark = pytest.mark.slow


@dataclass
class Run:
    process: subprocess.Popen[str]
    output: Path
    api_port: int

    def text(self) -> str:
        return self.output.read_text()

    def wait_for(self, marker: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while marker not in self.text():
            assert self.process.poll() is None, f"poflow up exited:\n{self.text()}"
            assert time.monotonic() < deadline, f"no {marker!r} within {timeout}s:\n{self.text()}"
            time.sleep(0.5)

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)


@pytest.fixture
def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in environment_names()}
    env.update(
        POFLOW_DATA_DIR=str(tmp_path / "data"),
        POFLOW_TEMPORAL_ADDRESS=f"127.0.0.1:{free_port()}",
        POFLOW_TEMPORAL_UI_PORT=str(free_port()),
        POFLOW_SIMULATORS_PORT=str(free_port()),
        POFLOW_SMTP_PORT=str(free_port()),
    )
    return env


def start_up(env: dict[str, str], tmp_path: Path, name: str) -> Run:
    api_port = free_port()
    output = tmp_path / f"{name}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "up"],
        env={**env, "POFLOW_API_PORT": str(api_port)},
        cwd=tmp_path,
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    return Run(process, output, api_port)


@pytest.fixture
def first_run(base_env: dict[str, str], tmp_path: Path) -> Iterator[Run]:
    run = start_up(base_env, tmp_path, "first")
    yield run
    if run.process.poll() is None:
        run.interrupt()


def test_run_command_brings_everything_up_and_down(
    first_run: Run, base_env: dict[str, str], tmp_path: Path
) -> None:
    first_run.wait_for("poflow is up.")
    temporal_address = base_env["POFLOW_TEMPORAL_ADDRESS"]
    ui_port = int(base_env["POFLOW_TEMPORAL_UI_PORT"])
    assert httpx.get(f"http://127.0.0.1:{first_run.api_port}/readyz").status_code == 200
    assert httpx.get(f"http://127.0.0.1:{ui_port}/").status_code == 200
    listed = subprocess.run(
        [str(cli_binary()), "operator", "search-attribute", "list", "--address", temporal_address],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert all(key.name in listed for key in search_attributes.ALL)
    text = first_run.text()
    assert "demo data: 11 users" in text and f"127.0.0.1:{ui_port}" in text
    assert all(login in text for login in ("alex", "priya", "fiona", "paul", "ines", "maria"))
    simulators = f"http://127.0.0.1:{base_env['POFLOW_SIMULATORS_PORT']}"
    assert f"Simulators:   {simulators}" in text
    assert "Raise a requested item" in httpx.get(simulators).text

    second = start_up(base_env, tmp_path, "second")
    second.wait_for("poflow is up.")
    assert "Postgres: reusing" in second.text() and "Temporal: reusing" in second.text()
    assert "Simulators: reusing" in second.text()
    assert "demo data: nothing new" in second.text()
    assert second.interrupt() == 0
    assert "stopping Postgres" not in second.text()
    assert httpx.get(f"http://127.0.0.1:{first_run.api_port}/readyz").status_code == 200

    assert first_run.interrupt() == 0
    assert "stopping Postgres" in first_run.text()
    data = Path(base_env["POFLOW_DATA_DIR"])
    assert not (data / "pgdata" / "postmaster.pid").exists()
    assert (data / "pgdata" / "PG_VERSION").exists() and (data / "temporal.db").exists()
    assert not port_in_use("127.0.0.1", first_run.api_port)
    assert not port_in_use("127.0.0.1", ui_port)
    assert not port_in_use("127.0.0.1", int(base_env["POFLOW_SIMULATORS_PORT"]))
